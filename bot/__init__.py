"""modbot: a self-hosted community moderation bot for Discord and Telegram."""
