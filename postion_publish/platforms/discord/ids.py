"""The sandbox's Discord server and channel: in its webhook's answers and in its pages' links."""

GUILD_ID = "1300000000000000100"
CHANNEL_ID = "1300000000000000200"
