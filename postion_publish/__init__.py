"""postion-publish: announce a blog's new posts on social platforms, from its own build and CI."""
