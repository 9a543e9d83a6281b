// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * deviations.h - every place where the expectations of these tests differ
 * between this component and coreMQTT v2.3.1 / backoffAlgorithm.
 *
 * The tests build against this component's staticlib (CI) and, for a local
 * differential check, against upstream C sources with TEST_UPSTREAM defined
 * (diff-upstream.sh). Everything not named here is expected to behave the
 * same, byte for byte, on both.
 *
 * DEV_*    deviations documented at the top of core_mqtt.h (or in
 *          backoff_algorithm.h): each test expects the behaviour of the
 *          build it runs on. 1 on this component, 0 on upstream.
 * KNOWN_*  differences that are bugs of this component (reported): the
 *          tests expect upstream's behaviour and use CHECK_KNOWN, so this
 *          build counts them as known issues until they are fixed.
 * UPSTREAM_ASSERTS  upstream assert()s on these arguments (a programming
 *          error there): such checks run on this component only.
 */
#ifndef DEVIATIONS_H
#define DEVIATIONS_H

#ifdef TEST_UPSTREAM
#define TEST_OURS 0
#else
#define TEST_OURS 1
#endif

#define UPSTREAM_ASSERTS (!TEST_OURS)

/* "A packet that has started arriving must be complete within
 * MQTT_ENGINE_PACKET_TIMEOUT_MS of its first byte": MQTTRecvFailed.
 * Upstream keeps returning MQTTNeedMoreBytes. */
#define DEV_PACKET_TIMEOUT TEST_OURS

/* "a packet larger than the network buffer is read and dropped over
 * several calls (MQTTNeedMoreBytes until it is gone)". Upstream drains it
 * inside one call and returns MQTTSuccess. */
#define DEV_DISCARD_OVER_CALLS TEST_OURS

/* "Keep-alive is checked on every MQTT_ProcessLoop call". Upstream checks
 * it only in a call whose recv() returned 0. */
#define DEV_KEEPALIVE_EVERY_CALL TEST_OURS

/* "A PUBACK, PUBREC, PUBREL or PUBCOMP for a packet id not in flight ... is
 * ignored: no callback, MQTTSuccess ... PUBREL is still answered with
 * PUBCOMP". Upstream: MQTTBadResponse, no answer. */
#define DEV_STALE_ACK TEST_OURS

/* "A PINGRESP that answers no PINGREQ is MQTTBadResponse." */
#define DEV_UNSOLICITED_PINGRESP TEST_OURS

/* "After an error that ends the connection ... connectStatus becomes
 * MQTTNotConnected; publish, subscribe, unsubscribe, ping and the loops
 * then return MQTTIllegalState". Upstream stays MQTTConnected. */
#define DEV_ERROR_DISCONNECTS TEST_OURS

/* "Topic names and filters are checked ... a bad one is
 * MQTTBadParameter". Upstream sends them. */
#define DEV_TOPIC_CHECKS TEST_OURS

/* "CONNECT, SUBSCRIBE and UNSUBSCRIBE are built in the free part of the
 * network buffer: if they do not fit there, MQTTNoMemory". */
#define DEV_BUILT_IN_BUFFER TEST_OURS

/* "MQTT_ProcessLoop, MQTT_ReceiveLoop and MQTT_Connect from inside [the
 * callback] return MQTTIllegalState". Upstream recurses (not tried). */
#define DEV_CALLBACK_REENTRY TEST_OURS

/* "The event callback may call ... MQTT_Disconnect": the rest of the
 * buffer is dropped and the acknowledgement owed is not sent. Upstream
 * (not run): MQTT_Disconnect sets index to 0, then the loop subtracts the
 * packet's length from it and memmove()s from far outside the buffer
 * (SIGSEGV under valgrind). */
#define DEV_CALLBACK_MAY_DISCONNECT TEST_OURS

/* "An incoming QoS 1 publish needs no incoming record." Upstream drops it
 * with MQTTRecvFailed when there is no incoming record table. */
#define DEV_QOS1_NO_RECORD TEST_OURS

/* backoff_algorithm.h: "Where upstream asserts on a NULL argument, this
 * returns BackoffAlgorithmRetriesExhausted" (upstream: assert). */
#define DEV_BACKOFF_NULL TEST_OURS

/* core_mqtt.h, MQTT_Disconnect: "the context is not connected afterwards",
 * also when DISCONNECT could not be sent (upstream stays connected then).
 * Stated with the function, not among the deviations at the top. */
#define DEV_DISCONNECT_ENDS_SESSION TEST_OURS

/* "every packet from the network validated before it is read": an
 * incoming PUBLISH whose topic is no topic name (empty, with a wildcard,
 * not UTF-8) is MQTTBadResponse. Upstream delivers it. */
#define DEV_INCOMING_TOPIC_CHECKS TEST_OURS

/* MQTT_MatchTopic "exactly as MQTT 3.1.1 section 4.7 defines it": "a/b"
 * matches "a/+/#", "/" matches "+/+" (upstream: no match), and a name with
 * a wildcard or a filter with a misplaced one is MQTTBadParameter
 * (upstream compares them as plain bytes). */
#define DEV_MATCH_TOPIC_AS_SECTION_4_7 TEST_OURS

/* transport_interface.h: "this engine builds each packet in the network
 * buffer and sends it with one send() call" - writev is never called.
 * Upstream sends CONNECT, SUBSCRIBE and PUBLISH through writev when set. */
#define DEV_WRITEV_UNUSED TEST_OURS

/* ---- found by the differential check, documented in core_mqtt.h since ---- */

/* MQTT-3.1.2-22: a password without a user name is MQTTBadParameter.
 * Upstream sends it (flags 0x42). */
#define DEV_PASSWORD_NEEDS_USER TEST_OURS

/* MQTT-3.3.1-2: a QoS 0 PUBLISH with dup set is MQTTBadParameter.
 * Upstream sends it with the DUP bit. */
#define DEV_QOS0_DUP TEST_OURS

/* Publish, subscribe, unsubscribe, ping and the loops are
 * MQTTIllegalState before the first MQTT_Connect and after
 * MQTT_Disconnect too (core_mqtt.h names only "after an error").
 * Upstream sends / receives whatever connectStatus says. */
#define DEV_NOT_CONNECTED TEST_OURS

/* A SUBSCRIBE without incoming records is refused if any entry asks for
 * QoS 1/2. Upstream looks at the first entry only (its documentation
 * says every entry). */
#define DEV_SUB_QOS_EVERY_ENTRY TEST_OURS

/* UNSUBSCRIBE ignores the qos fields of its list. Upstream refuses a list
 * with QoS 1/2 entries when there are no incoming records. */
#define DEV_UNSUB_QOS_IGNORED TEST_OURS


/* Keep-alive 0 sends no PINGREQ. Upstream pings after PACKET_RX_TIMEOUT_MS
 * (30 s) without incoming packets, whatever the keep-alive. */
#define DEV_NO_IDLE_RX_PING TEST_OURS

/* The PINGREQ goes out after keep-alive seconds without sending. Upstream
 * caps that at PACKET_TX_TIMEOUT_MS (30 s), and also pings after 30 s
 * without receiving. */
#define DEV_PING_AT_KEEP_ALIVE TEST_OURS

/* A PINGRESP handled by MQTT_ReceiveLoop clears waitingForPingResp.
 * Upstream leaves it set (only MQTT_ProcessLoop clears it). */
#define DEV_RECEIVE_LOOP_PINGRESP_CLEARS TEST_OURS


/* A CONNACK may arrive in any pieces, with "try again" between them.
 * Upstream reads the length byte right after the first byte and fails
 * with MQTTBadResponse if recv() returns 0 there. */
#define DEV_CONNACK_IN_ANY_PIECES TEST_OURS


/* An incoming QoS 2 PUBLISH without an incoming record table is dropped
 * with MQTTNoMemory (connection kept). Upstream: MQTTRecvFailed. */
#define DEV_QOS2_NO_RECORD_IS_NO_MEMORY TEST_OURS

/* MQTT_Publish with dup for an id whose PUBREC came already (awaiting
 * PUBCOMP): sent, MQTTSuccess, the record stays. Upstream sends it too
 * but returns MQTTIllegalState. */
#define DEV_DUP_IN_ANY_PHASE TEST_OURS

/* PUBLISH: the fixed header and topic name are built in the free part of
 * the network buffer, MQTTNoMemory if they do not fit. Upstream sends
 * them. */
#define DEV_PUBLISH_HEAD_IN_BUFFER TEST_OURS

/* Half a CONNACK and then nothing until timeoutMs: MQTTNoDataAvailable.
 * Upstream: MQTTRecvFailed (MQTT_RECV_POLLING_TIMEOUT_MS inside the
 * packet). */
#define DEV_HALF_CONNACK_IS_NO_DATA TEST_OURS

/* lastPacketRxTime is set when bytes arrive: by the CONNACK, and by part
 * of a packet. Upstream sets it when a packet was handled by a loop (0
 * after MQTT_Connect, unchanged by a partial packet). */
#define DEV_RX_TIME_AT_CONNACK TEST_OURS
#define DEV_RX_TIME_ON_BYTES TEST_OURS

/* ---- known issues: bugs of this component (none open) ---- */


#endif /* DEVIATIONS_H */
