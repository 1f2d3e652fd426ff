// placeholder until Agent lands
