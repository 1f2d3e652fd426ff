// placeholder until UV lands
