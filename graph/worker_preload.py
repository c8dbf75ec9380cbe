"""Imported by the forkserver of :class:`graph.parallel.Workers`, before it forks any worker.

multiprocessing's forkserver can only import modules ahead of forking, so loading
is this module's import-time effect: :func:`graph.parallel.warm_up` loads the
language model and the extraction tables once, and every worker starts with them.
"""

from graph.parallel import warm_up

warm_up()
