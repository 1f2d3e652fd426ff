// placeholder until Coordinator lands
