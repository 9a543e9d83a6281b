/*
 * core_mqtt.h - the coreMQTT v2.3 client API (MQTT 3.1.1) over this
 * component's Rust engine.
 *
 * Names, types, enum values and the layout of MQTTContext_t are coreMQTT
 * v2.3.1's, so code written for coreMQTT compiles unchanged and may read the
 * context's fields. The engine behind it is memory-safe Rust: no heap, every
 * packet from the network validated before it is read, and every wait
 * bounded whatever the peer does.
 *
 * Where this engine does better than coreMQTT, the API stays and the
 * behaviour is stated here (tests/c-api runs the same tests against
 * upstream coreMQTT v2.3.1 to find every difference; each is listed):
 *
 * Time and size bounds
 *   - A packet that has started arriving must be complete within
 *     MQTT_ENGINE_PACKET_TIMEOUT_MS of its first byte (the whole packet, not
 *     each byte); a peer that drips bytes, or stops half-way, gets
 *     MQTTRecvFailed instead of holding the loop. MQTT_ProcessLoop makes at
 *     most one recv() call per invocation; a packet larger than the network
 *     buffer is read and dropped over several calls (MQTTNeedMoreBytes until
 *     it is gone) instead of blocking in one.
 *   - A CONNACK may arrive in any pieces; half a CONNACK and then nothing
 *     until timeoutMs is MQTTNoDataAvailable (coreMQTT: MQTTRecvFailed).
 *   - Keep-alive is checked on every MQTT_ProcessLoop call, also while a
 *     packet trickles in. PINGREQ goes out when nothing was sent for
 *     keepAliveIntervalSec (coreMQTT also caps that at 30 s and pings after
 *     30 s without receiving, even with keep-alive 0; here keep-alive 0 is
 *     off, as MQTT defines it).
 *
 * What the session survives, and what ends it
 *   - A PUBACK, PUBREC, PUBREL or PUBCOMP for a packet id not in flight (a
 *     broker repeating itself after a resumed session) is ignored: no
 *     callback, MQTTSuccess (coreMQTT returns MQTTBadResponse). PUBREL is
 *     still answered with PUBCOMP and a repeated PUBREC with PUBREL.
 *   - A PINGRESP that answers no PINGREQ is MQTTBadResponse; one handled by
 *     MQTT_ReceiveLoop clears waitingForPingResp too.
 *   - An incoming PUBLISH whose topic is empty, holds a wildcard or is not
 *     UTF-8 is MQTTBadResponse (coreMQTT delivers it).
 *   - An incoming QoS 1 publish needs no incoming record; a QoS 2 one with
 *     no free incoming record is dropped unacknowledged with MQTTNoMemory,
 *     the connection kept (the broker sends it again).
 *   - After an error that ends the connection (MQTTSendFailed,
 *     MQTTRecvFailed, MQTTBadResponse, MQTTKeepAliveTimeout, MQTTServerRefused
 *     on CONNECT) connectStatus becomes MQTTNotConnected. MQTT_Disconnect
 *     still sends DISCONNECT, and leaves the context not connected even when
 *     that send fails. Publish, subscribe, unsubscribe, ping and the loops
 *     return MQTTIllegalState whenever connectStatus is MQTTNotConnected:
 *     before the first MQTT_Connect, after MQTT_Disconnect, after such an
 *     error (coreMQTT sends regardless).
 *
 * Arguments (checked before anything is sent: MQTTBadParameter)
 *   - Topic names and filters: UTF-8, no NUL, wildcards only where MQTT
 *     allows them, not a packet the broker drops the connection for.
 *   - A password without a user name (MQTT-3.1.2-22) and an outgoing QoS 0
 *     PUBLISH with dup set (MQTT-3.3.1-2); coreMQTT sends both.
 *   - MQTT_Subscribe without incoming records refuses a list with any
 *     QoS 1/2 entry (coreMQTT looks at the first only); MQTT_Unsubscribe
 *     ignores the qos fields (coreMQTT refuses QoS 1/2 entries then).
 *   - MQTT_Publish with dup for an id in any phase of its flow (also after
 *     its PUBREC) sends it and returns MQTTSuccess (coreMQTT sends it and
 *     returns MQTTIllegalState).
 *
 * Memory
 *   - CONNECT, SUBSCRIBE, UNSUBSCRIBE and the head of a PUBLISH (fixed
 *     header, topic, packet id) are built in the free part of the network
 *     buffer: if they do not fit there, MQTTNoMemory (coreMQTT gathers them
 *     from the caller's memory). A PUBLISH payload may be larger than the
 *     buffer: it is sent from where it is.
 *
 * The context's fields
 *   - lastPacketRxTime is when bytes last arrived (also the CONNACK's, also
 *     part of a packet); coreMQTT sets it when a loop has handled a packet.
 *
 * Callback
 *   - The event callback may call MQTT_Publish, MQTT_Subscribe,
 *     MQTT_Unsubscribe, MQTT_Ping, MQTT_GetPacketId and MQTT_Disconnect (the
 *     rest of the buffer is then dropped and the acknowledgement owed is not
 *     sent; coreMQTT reads outside its buffer there); MQTT_ProcessLoop,
 *     MQTT_ReceiveLoop and MQTT_Connect from inside it return
 *     MQTTIllegalState.
 *
 * Threads: like coreMQTT without its optional hooks, one context must be
 * used by one task at a time (see an agent-style command queue for sharing).
 */

#ifndef CORE_MQTT_H
#define CORE_MQTT_H

#include "core_mqtt_serializer.h"
#include "transport_interface.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MQTT_LIBRARY_VERSION "v2.3.1"

/* No packet identifier: MQTT never uses 0. */
#define MQTT_PACKET_ID_INVALID ((uint16_t)0U)

/* The engine's bounds (this implementation, not coreMQTT configuration). */
#define MQTT_ENGINE_PACKET_TIMEOUT_MS (10000U)   /* whole incoming packet */
#define MQTT_ENGINE_SEND_TIMEOUT_MS (20000U)     /* send without progress */
#define MQTT_ENGINE_PINGRESP_TIMEOUT_MS (5000U)  /* PINGREQ to PINGRESP */

struct MQTTPubAckInfo;
struct MQTTContext;
struct MQTTDeserializedInfo;

/* Milliseconds from any fixed point; may wrap. */
typedef uint32_t (*MQTTGetCurrentTimeFunc_t)(void);

/*
 * Called for each packet the application should see: incoming PUBLISH
 * (pDeserializedInfo->pPublishInfo set), PUBACK, PUBREC, PUBREL, PUBCOMP,
 * SUBACK (deserializationResult MQTTServerRefused when a filter was
 * refused), UNSUBACK, and PINGRESP from MQTT_ReceiveLoop only. The
 * acknowledgement an incoming packet needs is sent after the callback.
 */
typedef void (*MQTTEventCallback_t)(struct MQTTContext *pContext,
				    struct MQTTPacketInfo *pPacketInfo,
				    struct MQTTDeserializedInfo *pDeserializedInfo);

typedef enum MQTTConnectionStatus {
	MQTTNotConnected, /* no session (or it ended with an error) */
	MQTTConnected     /* CONNACK accepted the session */
} MQTTConnectionStatus_t;

/* Where a QoS 1 or 2 publish is in its flow. */
typedef enum MQTTPublishState {
	MQTTStateNull = 0,  /* free record */
	MQTTPublishSend,    /* outgoing, not sent yet */
	MQTTPubAckSend,     /* incoming QoS 1, PUBACK owed */
	MQTTPubRecSend,     /* incoming QoS 2, PUBREC owed */
	MQTTPubRelSend,     /* outgoing QoS 2, PUBREL owed */
	MQTTPubCompSend,    /* incoming QoS 2, PUBCOMP owed */
	MQTTPubAckPending,  /* outgoing QoS 1, awaiting PUBACK */
	MQTTPubRecPending,  /* outgoing QoS 2, awaiting PUBREC */
	MQTTPubRelPending,  /* incoming QoS 2, awaiting PUBREL */
	MQTTPubCompPending, /* outgoing QoS 2, awaiting PUBCOMP */
	MQTTPublishDone     /* flow complete */
} MQTTPublishState_t;

/* The four publish acknowledgements. */
typedef enum MQTTPubAckType {
	MQTTPuback,
	MQTTPubrec,
	MQTTPubrel,
	MQTTPubcomp
} MQTTPubAckType_t;

/* Return codes of a SUBACK, one per filter. */
typedef enum MQTTSubAckStatus {
	MQTTSubAckSuccessQos0 = 0x00,
	MQTTSubAckSuccessQos1 = 0x01,
	MQTTSubAckSuccessQos2 = 0x02,
	MQTTSubAckFailure = 0x80
} MQTTSubAckStatus_t;

/*
 * One QoS 1/2 publish in flight. The engine keeps the used records at the
 * front of each table, in the order they were added.
 */
typedef struct MQTTPubAckInfo {
	uint16_t packetId;
	MQTTQoS_t qos;
	MQTTPublishState_t publishState;
} MQTTPubAckInfo_t;

/*
 * One MQTT connection. Allocate it yourself (static, stack or heap) and set
 * it up with MQTT_Init; the fields keep coreMQTT's meaning and may be read.
 * The last three fields are this engine's own.
 */
typedef struct MQTTContext {
	MQTTPubAckInfo_t *outgoingPublishRecords; /* see MQTT_InitStatefulQoS */
	MQTTPubAckInfo_t *incomingPublishRecords;
	size_t outgoingPublishRecordMaxCount;
	size_t incomingPublishRecordMaxCount;
	TransportInterface_t transportInterface; /* read on every call */
	MQTTFixedBuffer_t networkBuffer;         /* receives every packet */
	uint16_t nextPacketId;                   /* MQTT_GetPacketId's next */
	MQTTConnectionStatus_t connectStatus;
	MQTTGetCurrentTimeFunc_t getTime;
	MQTTEventCallback_t appCallback;
	uint32_t lastPacketTxTime;   /* when the last packet was sent (ms) */
	uint32_t lastPacketRxTime;   /* when bytes last arrived (ms) */
	bool controlPacketSent;      /* an ack or PINGREQ went out */
	size_t index;                /* bytes in networkBuffer not handled yet */
	uint16_t keepAliveIntervalSec;
	uint32_t pingReqSendTimeMs;  /* when the pending PINGREQ was sent */
	bool waitingForPingResp;
	/* -- this engine's own state -- */
	uint32_t packetStartTimeMs;  /* first byte of the packet arriving */
	size_t discardRemaining;     /* bytes of an oversize packet to drop */
	uint8_t inCallback;          /* the event callback is running */
} MQTTContext_t;

/* What the event callback gets besides the raw packet. */
typedef struct MQTTDeserializedInfo {
	uint16_t packetIdentifier;          /* 0 where the packet has none */
	MQTTPublishInfo_t *pPublishInfo;    /* incoming PUBLISH only */
	MQTTStatus_t deserializationResult; /* MQTTSuccess or, for a SUBACK
					       refusing a filter,
					       MQTTServerRefused */
} MQTTDeserializedInfo_t;

/*
 * Set up a context: copies the transport and buffer descriptions, clears
 * everything else; the first packet id is 1. Nothing is sent.
 * MQTTBadParameter: a NULL pointer, getTime, callback, recv or send.
 */
MQTTStatus_t MQTT_Init(MQTTContext_t *pContext,
		       const TransportInterface_t *pTransportInterface,
		       MQTTGetCurrentTimeFunc_t getTimeFunction,
		       MQTTEventCallback_t userCallback,
		       const MQTTFixedBuffer_t *pNetworkBuffer);

/*
 * Give the context record tables for QoS 1/2 (after MQTT_Init): outgoing
 * records bound how many of our publishes may be in flight, incoming ones
 * how many QoS 2 publishes may await PUBREL. A count of 0 goes with NULL.
 */
MQTTStatus_t MQTT_InitStatefulQoS(MQTTContext_t *pContext,
				  MQTTPubAckInfo_t *pOutgoingPublishRecords,
				  size_t outgoingPublishCount,
				  MQTTPubAckInfo_t *pIncomingPublishRecords,
				  size_t incomingPublishCount);

/*
 * Send CONNECT (with the will, user name and password given) and wait up to
 * timeoutMs for CONNACK (0: one receive and five retries). On a resumed session
 * (*pSessionPresent true) PUBRELs still owed are resent; publishes awaiting
 * PUBACK/PUBREC are listed by MQTT_PublishToResend for the caller to resend
 * with dup set. Without one, both record tables are cleared.
 * Returns MQTTNoDataAvailable when no CONNACK came in time,
 * MQTTServerRefused when it refused, MQTTBadResponse when the server sent
 * something else or claimed a session for a clean-session CONNECT.
 */
MQTTStatus_t MQTT_Connect(MQTTContext_t *pContext,
			  const MQTTConnectInfo_t *pConnectInfo,
			  const MQTTPublishInfo_t *pWillInfo,
			  uint32_t timeoutMs, bool *pSessionPresent);

/* Send SUBSCRIBE with packetId (from MQTT_GetPacketId); the SUBACK comes to
 * the callback. */
MQTTStatus_t MQTT_Subscribe(MQTTContext_t *pContext,
			    const MQTTSubscribeInfo_t *pSubscriptionList,
			    size_t subscriptionCount, uint16_t packetId);

/*
 * Send PUBLISH. For QoS 1/2, packetId (from MQTT_GetPacketId) is recorded
 * until the flow completes: MQTTStateCollision if it is in flight already
 * (unless dup is set: a resend), MQTTNoMemory if no record is free.
 */
MQTTStatus_t MQTT_Publish(MQTTContext_t *pContext,
			  const MQTTPublishInfo_t *pPublishInfo,
			  uint16_t packetId);

/* Forget an outgoing QoS 1/2 publish; MQTTBadParameter if it is unknown. */
MQTTStatus_t MQTT_CancelCallback(const MQTTContext_t *pContext,
				 uint16_t packetId);

/* Send PINGREQ now (MQTT_ProcessLoop does it when the link is idle). */
MQTTStatus_t MQTT_Ping(MQTTContext_t *pContext);

/* Send UNSUBSCRIBE with packetId; the UNSUBACK comes to the callback. */
MQTTStatus_t MQTT_Unsubscribe(MQTTContext_t *pContext,
			      const MQTTSubscribeInfo_t *pSubscriptionList,
			      size_t subscriptionCount, uint16_t packetId);

/* Send DISCONNECT; the context is not connected afterwards. The caller
 * closes the transport. */
MQTTStatus_t MQTT_Disconnect(MQTTContext_t *pContext);

/*
 * One pass: at most one recv() call, at most one packet handled (callback,
 * then its acknowledgement), then keep-alive (PINGREQ when nothing was sent
 * for the keep-alive interval; MQTTKeepAliveTimeout when a PINGRESP is
 * overdue). MQTTNeedMoreBytes: part of a packet is buffered, call again.
 */
MQTTStatus_t MQTT_ProcessLoop(MQTTContext_t *pContext);

/* MQTT_ProcessLoop without keep-alive: the caller pings (MQTT_Ping), and
 * PINGRESP reaches the callback. */
MQTTStatus_t MQTT_ReceiveLoop(MQTTContext_t *pContext);

/* The next packet id: 1, 2, ... 65535, 1 (never 0; 0 for a NULL context). */
uint16_t MQTT_GetPacketId(MQTTContext_t *pContext);

/*
 * Whether a topic name matches a topic filter, exactly as MQTT 3.1.1
 * section 4.7 defines it: + is one whole level (possibly empty), # the
 * remaining levels including none ("a/#" matches "a"), and a name starting
 * with '$' matches no filter starting with a wildcard. coreMQTT v2.3.1
 * answers "no match" for a few such valid pairs ("+/#" and "b", "+/+" and
 * "/") although a broker delivers them; this answers as the broker does.
 * MQTTBadParameter also for a filter with a misplaced wildcard ("a+",
 * "#/a") or a name containing one, which coreMQTT compares literally.
 */
MQTTStatus_t MQTT_MatchTopic(const char *pTopicName,
			     const uint16_t topicNameLength,
			     const char *pTopicFilter,
			     const uint16_t topicFilterLength, bool *pIsMatch);

/* The return codes of a SUBACK the callback received (one per filter, see
 * MQTTSubAckStatus_t): pointer into the packet, and how many. */
MQTTStatus_t MQTT_GetSubAckStatusCodes(const MQTTPacketInfo_t *pSubackPacket,
				       uint8_t **pPayloadStart,
				       size_t *pPayloadSize);

/* The status code's name, e.g. "MQTTSuccess". */
const char *MQTT_Status_strerror(MQTTStatus_t status);

#ifdef __cplusplus
}
#endif

#endif /* CORE_MQTT_H */
