"""End to end: several FreeRTOS tasks share one MQTT connection through an agent-style command
queue built on the coreMQTT C API (demos/common/c_mqtt_demo/mqtt_agent.h, agent_demo.h), in
the POSIX image, against mosquitto with mutual TLS.

One agent task owns the MQTTContext_t and runs MQTT_ProcessLoop; three publisher tasks send it
SUBSCRIBE, PUBLISH and UNSUBSCRIBE commands through a FreeRTOS queue and wait for each completion
by task notification; incoming publishes are dispatched to the subscribing task's inbox. Each
task publishes 10 QoS 1 messages on its own topic and must get every PUBACK completion and every
echo, on its own topic only. From outside: an observer sees every message exactly once, as sent,
in order per topic, and the broker saw one connection.

The executable (mqtt_agent_posix) comes from the same build tree as test_c_demo.py's POSIX image.
"""

import re
from collections import defaultdict

from broker import Broker, Observer
from demo_image import image_port, run_image
from test_c_demo import AGENT_EXE, c_posix_image

RUN_TIMEOUT = 120  # seconds
TASKS, PUBLISHES = 3, 10  # AGENT_DEMO_TASKS, AGENT_DEMO_PUBLISHES (agent_demo.h defaults)


def test_three_tasks_share_one_connection_through_the_agent(pki, client_id):
    exe = c_posix_image(pki).parent / AGENT_EXE
    port = image_port()
    prefix = f"{client_id}/agent/task"
    with Broker(pki, port=port) as broker:
        with Observer(pki, broker.port, topic=f"{client_id}/agent/#") as observer:
            run = run_image([exe], timeout=RUN_TIMEOUT)
            assert run.rc == 0, run.log
            seen = observer.wait_for_count(r"/agent/task\d ", 2 * TASKS * PUBLISHES, timeout=10)
        connects = re.findall(rf"New client connected .* as {re.escape(client_id)} ",
                              broker.log_text())
    log = run.log

    # The broker got every message exactly once, exactly as sent, in order per topic
    # (2 iterations of TASKS x PUBLISHES, one connection each).
    expected = [f"{prefix}{k} task {k} message {j}"
                for _ in range(2) for k in range(1, TASKS + 1) for j in range(1, PUBLISHES + 1)]
    assert sorted(seen) == sorted(expected), "\n".join(seen)
    for k in range(1, TASKS + 1):
        mine = [m for m in seen if m.startswith(f"{prefix}{k} ")]
        assert mine == [f"{prefix}{k} task {k} message {j}"
                        for _ in range(2) for j in range(1, PUBLISHES + 1)], mine
    assert len(connects) == 2, broker.log_text()[-3000:]  # one connection per iteration

    # Every task: all completions and echoes, on its own topic only.
    for k in range(1, TASKS + 1):
        tallies = re.findall(rf"task {k}: {PUBLISHES} of {PUBLISHES} publishes acknowledged, "
                             rf"{PUBLISHES} of {PUBLISHES} echoes received on its own topic, "
                             r"0 wrong", log)
        assert len(tallies) == 2, log
    totals = re.findall(r"agent demo: 3 of 3 tasks x 10 QoS 1 publishes on one connection: "
                        r"30 acknowledged, 30 echoes back at the publishing task, 0 wrong; "
                        r"agent: (\d+) commands, at most (\d+) acknowledgements awaited at "
                        r"once, 30 messages delivered, 0 unmatched, 0 dropped, 0 "
                        r"acknowledgement timeouts", log)
    assert len(totals) == 2, log
    # The tasks' work overlapped on the one connection (several acknowledgements awaited at once).
    assert max(int(most) for _, most in totals) >= 2, totals

    # Each completion reached the task whose command it was: the packet ids the agent used for
    # task k's publishes, in order, are the ids task k's completions reported.
    sent, completed = defaultdict(list), defaultdict(list)
    for pid, k in re.findall(r"agent: PUBLISH packet id (\d+) for task Pub(\d) to "
                             rf"{re.escape(prefix)}\d: MQTTSuccess", log):
        sent[int(k)].append(int(pid))
    for k, pid in re.findall(r"task (\d): message \d+ acknowledged \(PUBACK for packet id "
                             r"(\d+)\), echo received", log):
        completed[int(k)].append(int(pid))
    for k in range(1, TASKS + 1):
        assert sent[k] == completed[k] and len(sent[k]) == 2 * PUBLISHES, (k, sent, completed)
    ids = [pid for k in sent for pid in sent[k]]
    assert 0 not in ids, ids
    assert not re.search(r"\[(ERROR|WARN)\]", log), log
    print(f"\nagent demo: {TASKS} tasks x {PUBLISHES} QoS 1 publishes, 2 iterations; "
          f"at most {max(int(m) for _, m in totals)} acknowledgements awaited at once")
