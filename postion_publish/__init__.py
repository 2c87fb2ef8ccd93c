"""postion-publish: announce a blog's new posts on social platforms, from its own build and CI."""

# The one place the version is written: the wheel's metadata reads it from here (hatch), and so
# does `postion --version` where there is no metadata (the Action runs the code from its checkout).
__version__ = "0.1.0"
