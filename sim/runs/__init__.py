"""Running the model: the command line, planning, the launch process, replicates, results."""
