"""The fake network servers now live in networks.fakes (the demo starts them too); re-exported for the tests."""

from networks.fakes import (
    FakeApi,
    FakeMax,
    FakeOk,
    FakeTelegram,
    FakeVk,
    MaxChat,
    OkGroup,
    TgChannel,
    TgPost,
    VkGroup,
    max_message,
    ok_topic,
    serve,
    unix,
    vk_post,
)

__all__ = [
    "FakeApi",
    "FakeMax",
    "FakeOk",
    "FakeTelegram",
    "FakeVk",
    "MaxChat",
    "OkGroup",
    "TgChannel",
    "TgPost",
    "VkGroup",
    "max_message",
    "ok_topic",
    "serve",
    "unix",
    "vk_post",
]
