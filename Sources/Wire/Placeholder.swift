// placeholder until Wire lands
