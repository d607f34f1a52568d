"""How this machine's Debian Chromium is launched, for the browser tests and the browser
benchmark alike."""

# No sandbox as root, and none of the background connections the closed network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
