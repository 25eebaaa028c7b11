"""Sending a message the way browsers may: in several WebSocket frames."""

from __future__ import annotations

import websocket

FRAME_LIMIT = 32 * 1024  # API Gateway's, enforced by the local gateway too


def send_in_frames(client: websocket.WebSocket, message: str, frame_size: int) -> None:
    """One text message as several frames of at most `frame_size` bytes, as a browser may send it."""
    parts = [message[start:start + frame_size] for start in range(0, len(message), frame_size)]
    for index, part in enumerate(parts):
        opcode = websocket.ABNF.OPCODE_TEXT if index == 0 else websocket.ABNF.OPCODE_CONT
        client.send_frame(websocket.ABNF.create_frame(part, opcode, fin=int(index == len(parts) - 1)))
