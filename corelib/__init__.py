"""The lowest layer: helpers that both figgen (the figures) and coursebuild (the build on top of it) use.

It imports neither of them, so the packages depend one way only: coursebuild -> figgen -> corelib.
"""
