"""Running the model: the command line, sweep planning, replicates and the results store."""
