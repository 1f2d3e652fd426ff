// placeholder until Metrics lands
