"""Fake network servers on loopback for the tests and the demo, in each API's real shapes."""

from networks.fakes.base import FakeApi, QuietHTTPServer, serve, unix
from networks.fakes.max import FakeMax, MaxChat, max_comment, max_message
from networks.fakes.ok import FakeOk, OkGroup, ok_comment, ok_topic
from networks.fakes.telegram import FakeTelegram, TgChannel, TgPost
from networks.fakes.vk import FakeVk, VkGroup, vk_comment, vk_post

__all__ = [
    "FakeApi",
    "FakeMax",
    "FakeOk",
    "FakeTelegram",
    "FakeVk",
    "MaxChat",
    "OkGroup",
    "QuietHTTPServer",
    "TgChannel",
    "TgPost",
    "VkGroup",
    "max_comment",
    "max_message",
    "ok_comment",
    "ok_topic",
    "serve",
    "unix",
    "vk_comment",
    "vk_post",
]
