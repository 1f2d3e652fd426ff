// placeholder until Serve lands
