"""事件 / 诉求 / 矛盾纠纷: every channel into one closed loop, with escalation, deadlines and 督办."""
