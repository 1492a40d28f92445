"""Task errors in plain Chinese, for the office's IT person; the technical text stays available beside it."""

from __future__ import annotations

# Matched against the exception's class name (and, where the name is generic, the message), first match wins.
_EXPLANATIONS: list[tuple[tuple[str, ...], str]] = [
    (
        ("SoftTimeLimitExceeded", "TimeLimitExceeded"),
        "任务运行时间超过上限被中止。数据量过大或服务器过忙，可稍后重试。",
    ),
    (
        ("OperationalError", "InterfaceError"),
        "连接数据库或 Redis 失败。请检查数据库和 Redis 服务是否在运行，然后重试。",
    ),
    (
        ("ConnectionError", "ConnectionRefusedError", "TimeoutError", "timeout"),
        "连接外部服务超时或被拒绝（Redis、邮件或短信服务）。请检查网络和服务地址后重试。",
    ),
    (
        ("SMTPException", "SMTPAuthenticationError", "SMTPServerDisconnected", "SMTPRecipientsRefused"),
        "邮件服务器拒绝或中断了发送。请检查 EMAIL_HOST、端口、账号和密码。",
    ),
    (("DoesNotExist", "ObjectDoesNotExist"), "任务要处理的记录已不存在（可能已被删除），一般无需重试。"),
    (("IntegrityError",), "数据冲突：同一记录被重复写入或关联记录缺失。重试前请联系技术支持。"),
    (("PermissionError",), "服务器上的文件或目录没有写入权限。请检查上传目录（MEDIA_ROOT）的权限。"),
    (("OSError", "FileNotFoundError"), "读写服务器上的文件失败（文件缺失或磁盘已满）。请检查磁盘空间和上传目录。"),
    (("WorkerLostError",), "执行任务的后台进程意外退出（可能内存不足或被重启）。可直接重试。"),
]
_FALLBACK = "程序内部错误。可先重试一次；仍失败时，请把下面的技术信息发给技术支持。"


def explain(error_type: str, message: str = "") -> str:
    """The plain-Chinese explanation of an error; `error_type` is the exception's class name."""
    if not error_type:
        return ""
    for names, text in _EXPLANATIONS:
        if error_type in names or any(n in error_type for n in names):
            return text
    return _FALLBACK
