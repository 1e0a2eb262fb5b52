"""Analysis of stored results: effects, figures, report, sensitivity, discovery, landscape."""
