"""The Load area of the app: `wstui load` with live charts."""
