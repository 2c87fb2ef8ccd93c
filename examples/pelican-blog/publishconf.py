# Publishing settings: the real SITEURL, so the manifest can be published.
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = "https://pelican.example.com"
RELATIVE_URLS = False
