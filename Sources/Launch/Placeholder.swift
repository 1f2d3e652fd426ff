// placeholder until Launch lands
