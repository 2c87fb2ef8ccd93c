# Development settings: an empty SITEURL, so the manifest is a preview (never published).
AUTHOR = "Ada"
SITENAME = "An example Pelican blog"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = "feeds/all.atom.xml"
PLUGINS = ["postion"]
POSTION_CONFIG = "postion.yml"
