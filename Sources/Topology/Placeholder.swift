// placeholder until Topology lands
