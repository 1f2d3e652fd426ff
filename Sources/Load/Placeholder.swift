// placeholder until Load lands
