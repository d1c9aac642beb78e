"""The demo county (示例县 和平县) and a simulator of its activity, for `onestop demo`."""
