"""Platform adapters: each turns a platform's events into core events and applies actions."""
