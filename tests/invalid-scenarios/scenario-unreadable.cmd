test invalid-scenarios/no-such.scenario
