// placeholder until Report lands
