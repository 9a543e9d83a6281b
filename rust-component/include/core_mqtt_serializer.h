/*
 * core_mqtt_serializer.h - the MQTT 3.1.1 types and the packet serializer
 * of the coreMQTT v2.3 API (same names, enum values, struct layouts and
 * function signatures as coreMQTT's header of this name), implemented by
 * this component's Rust engine.
 *
 * Strings in these structs are pointer + length, never NUL-terminated; the
 * engine reads them only during the call they are passed to.
 *
 * The serializer functions (end of this file) are for applications that
 * move bytes themselves instead of through MQTT_Connect, MQTT_ProcessLoop
 * and friends. They build packets with the engine's own encoder and read
 * them with its decoder, so a packet is byte for byte what MQTT_Connect,
 * MQTT_Publish etc. send. Status codes and bytes are coreMQTT v2.3.1's,
 * except where the engine refuses to write or accept what MQTT 3.1.1
 * forbids:
 *   - Topic names and filters are checked (non-empty, UTF-8, no NUL,
 *     wildcards only where MQTT allows them: none in a topic name); the
 *     client id, user name and will topic must be UTF-8. A bad one is
 *     MQTTBadParameter from the size functions and the serializers.
 *   - A password without a user name, an empty client id with
 *     cleanSession false, a QoS other than 0, 1 or 2, a DUP flag on a QoS 0
 *     publish, a NULL pointer with a non-zero length, or a length a field
 *     cannot carry (a will payload over 65,535 bytes) is MQTTBadParameter,
 *     where coreMQTT writes a packet a broker must refuse (or bytes from
 *     nowhere).
 *   - MQTT_Serialize* take back the remainingLength that MQTT_Get*Size
 *     returned for the same arguments; any other value is
 *     MQTTBadParameter, and nothing is written (coreMQTT writes it into
 *     the header as given, and past the buffer when it is too small). The
 *     buffer size is checked first, as in coreMQTT: a buffer too small for
 *     the packet the given remainingLength describes is MQTTNoMemory.
 *   - The header builders that return a pointer
 *     (MQTT_Serialize*Header) return NULL for arguments that are not a
 *     packet's (and write nothing), where coreMQTT has no failure.
 *   - MQTT_DeserializePublish rejects, as MQTTBadResponse, a topic name
 *     MQTT 3.1.1 does not allow a server to send: empty, or with
 *     wildcards, NUL or bad UTF-8. (A DUP flag on QoS 0 is read as sent,
 *     as coreMQTT does.)
 *   - A NULL readFunc is MQTTBadParameter.
 * When a function returns a failure, what it wrote to its output arguments
 * is unspecified (coreMQTT fills some of them half-way).
 */

#ifndef CORE_MQTT_SERIALIZER_H
#define CORE_MQTT_SERIALIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport_interface.h"

#ifdef __cplusplus
extern "C" {
#endif

/* First byte of each MQTT control packet (type and required flags). */
#define MQTT_PACKET_TYPE_CONNECT ((uint8_t)0x10U)
#define MQTT_PACKET_TYPE_CONNACK ((uint8_t)0x20U)
#define MQTT_PACKET_TYPE_PUBLISH ((uint8_t)0x30U)
#define MQTT_PACKET_TYPE_PUBACK ((uint8_t)0x40U)
#define MQTT_PACKET_TYPE_PUBREC ((uint8_t)0x50U)
#define MQTT_PACKET_TYPE_PUBREL ((uint8_t)0x62U)
#define MQTT_PACKET_TYPE_PUBCOMP ((uint8_t)0x70U)
#define MQTT_PACKET_TYPE_SUBSCRIBE ((uint8_t)0x82U)
#define MQTT_PACKET_TYPE_SUBACK ((uint8_t)0x90U)
#define MQTT_PACKET_TYPE_UNSUBSCRIBE ((uint8_t)0xA2U)
#define MQTT_PACKET_TYPE_UNSUBACK ((uint8_t)0xB0U)
#define MQTT_PACKET_TYPE_PINGREQ ((uint8_t)0xC0U)
#define MQTT_PACKET_TYPE_PINGRESP ((uint8_t)0xD0U)
#define MQTT_PACKET_TYPE_DISCONNECT ((uint8_t)0xE0U)

/* PUBACK, PUBREC, PUBREL and PUBCOMP are always four bytes long. */
#define MQTT_PUBLISH_ACK_PACKET_SIZE (4UL)

/* What every function of this API returns. */
typedef enum MQTTStatus {
	MQTTSuccess = 0,      /* done */
	MQTTBadParameter,     /* an argument is invalid (NULL, 0, bad topic...) */
	MQTTNoMemory,         /* a buffer or record table is too small */
	MQTTSendFailed,       /* the transport failed or stalled while sending */
	MQTTRecvFailed,       /* the transport failed, or the peer closed or
				 stalled inside a packet */
	MQTTBadResponse,      /* the server broke the protocol */
	MQTTServerRefused,    /* CONNACK refused, or SUBACK refused a filter */
	MQTTNoDataAvailable,  /* no CONNACK within the timeout */
	MQTTIllegalState,     /* not valid now (not connected, re-entered) */
	MQTTStateCollision,   /* this packet id is already in flight */
	MQTTKeepAliveTimeout, /* no PINGRESP within the keep-alive bound */
	MQTTNeedMoreBytes     /* part of a packet has arrived: call again */
} MQTTStatus_t;

/* Quality of service. */
typedef enum MQTTQoS {
	MQTTQoS0 = 0, /* at most once */
	MQTTQoS1 = 1, /* at least once */
	MQTTQoS2 = 2  /* exactly once */
} MQTTQoS_t;

/* A caller-owned buffer. */
typedef struct MQTTFixedBuffer {
	uint8_t *pBuffer;
	size_t size;
} MQTTFixedBuffer_t;

/* What CONNECT carries. */
typedef struct MQTTConnectInfo {
	bool cleanSession;         /* start a new session (true) or resume */
	uint16_t keepAliveSeconds; /* 0 turns keep-alive off */
	const char *pClientIdentifier;
	uint16_t clientIdentifierLength;
	const char *pUserName;     /* NULL: no user name */
	uint16_t userNameLength;
	const char *pPassword;     /* NULL: no password */
	uint16_t passwordLength;
} MQTTConnectInfo_t;

/* One topic filter of a SUBSCRIBE or UNSUBSCRIBE (qos unused there). */
typedef struct MQTTSubscribeInfo {
	MQTTQoS_t qos;
	const char *pTopicFilter;
	uint16_t topicFilterLength;
} MQTTSubscribeInfo_t;

/*
 * An application message: one to send (MQTT_Publish, or the will of
 * MQTT_Connect), or one received (the event callback; topic and payload
 * then point into the network buffer and are valid during the callback).
 */
typedef struct MQTTPublishInfo {
	MQTTQoS_t qos;
	bool retain;
	bool dup;
	const char *pTopicName;
	uint16_t topicNameLength;
	const void *pPayload;
	size_t payloadLength;
} MQTTPublishInfo_t;

/* A received packet as it lies in the network buffer. */
typedef struct MQTTPacketInfo {
	uint8_t type;             /* the first byte: type and flags */
	uint8_t *pRemainingData;  /* the bytes after the fixed header */
	size_t remainingLength;   /* how many there are */
	size_t headerLength;      /* length of the fixed header */
} MQTTPacketInfo_t;

/*
 * ---------------------------------------------------------------------------
 * Serializer. Building a packet is two calls: MQTT_Get*PacketSize gives its
 * remaining length (the bytes after the fixed header) and total size, then
 * MQTT_Serialize* writes it into a caller buffer at least that large, given
 * the same arguments and that remaining length. Nothing is sent: the
 * application hands the bytes to its transport. On failure nothing is
 * written into the buffer.
 */

/*
 * CONNECT for pConnectInfo and, when pWillInfo is not NULL, that last will
 * (its qos, retain, topic and payload). MQTTBadParameter for a NULL
 * argument (pWillInfo excepted), an empty or NULL client id, or a will
 * payload over 65,535 bytes.
 */
MQTTStatus_t MQTT_GetConnectPacketSize(const MQTTConnectInfo_t *pConnectInfo,
				       const MQTTPublishInfo_t *pWillInfo,
				       size_t *pRemainingLength,
				       size_t *pPacketSize);

/*
 * Write that CONNECT into pFixedBuffer. MQTTBadParameter for NULL
 * pConnectInfo, pFixedBuffer or buffer, or a will without a topic;
 * MQTTNoMemory when the buffer is smaller than the packet.
 */
MQTTStatus_t MQTT_SerializeConnect(const MQTTConnectInfo_t *pConnectInfo,
				   const MQTTPublishInfo_t *pWillInfo,
				   size_t remainingLength,
				   const MQTTFixedBuffer_t *pFixedBuffer);

/*
 * SUBSCRIBE for subscriptionCount filters, each with its QoS.
 * MQTTBadParameter for a NULL argument, no filter, an empty filter, or a
 * packet over MQTT's largest remaining length.
 */
MQTTStatus_t MQTT_GetSubscribePacketSize(
	const MQTTSubscribeInfo_t *pSubscriptionList, size_t subscriptionCount,
	size_t *pRemainingLength, size_t *pPacketSize);

/*
 * Write that SUBSCRIBE with packet id packetId. MQTTBadParameter for a NULL
 * argument, no filter or packet id 0; MQTTNoMemory when the buffer is
 * smaller than the packet.
 */
MQTTStatus_t MQTT_SerializeSubscribe(
	const MQTTSubscribeInfo_t *pSubscriptionList, size_t subscriptionCount,
	uint16_t packetId, size_t remainingLength,
	const MQTTFixedBuffer_t *pFixedBuffer);

/* As MQTT_GetSubscribePacketSize for UNSUBSCRIBE (qos not used). */
MQTTStatus_t MQTT_GetUnsubscribePacketSize(
	const MQTTSubscribeInfo_t *pSubscriptionList, size_t subscriptionCount,
	size_t *pRemainingLength, size_t *pPacketSize);

/* As MQTT_SerializeSubscribe for UNSUBSCRIBE (qos not used). */
MQTTStatus_t MQTT_SerializeUnsubscribe(
	const MQTTSubscribeInfo_t *pSubscriptionList, size_t subscriptionCount,
	uint16_t packetId, size_t remainingLength,
	const MQTTFixedBuffer_t *pFixedBuffer);

/*
 * PUBLISH of pPublishInfo (a packet id counted for QoS 1 and 2).
 * MQTTBadParameter for a NULL argument, a NULL or empty topic, or a
 * packet whose total size would exceed 268,435,455 bytes (coreMQTT's
 * bound, a few bytes under MQTT's for the remaining length).
 */
MQTTStatus_t MQTT_GetPublishPacketSize(const MQTTPublishInfo_t *pPublishInfo,
				       size_t *pRemainingLength,
				       size_t *pPacketSize);

/*
 * Write that PUBLISH, payload included, with packet id packetId (ignored
 * for QoS 0). MQTTBadParameter for a NULL argument, a NULL payload with a
 * length, a NULL or empty topic, packet id 0 with QoS 1 or 2, or DUP with
 * QoS 0; MQTTNoMemory when the buffer is smaller than the packet.
 */
MQTTStatus_t MQTT_SerializePublish(const MQTTPublishInfo_t *pPublishInfo,
				   uint16_t packetId, size_t remainingLength,
				   const MQTTFixedBuffer_t *pFixedBuffer);

/*
 * Write that PUBLISH up to its payload (fixed header, topic, packet id);
 * the application sends the payload after these *pHeaderSize bytes.
 * pPayload is not read. Statuses as MQTT_SerializePublish; MQTTNoMemory
 * when the buffer is smaller than the header.
 */
MQTTStatus_t MQTT_SerializePublishHeader(const MQTTPublishInfo_t *pPublishInfo,
					 uint16_t packetId,
					 size_t remainingLength,
					 const MQTTFixedBuffer_t *pFixedBuffer,
					 size_t *pHeaderSize);

/*
 * Write the first byte, the remaining length and the topic's two length
 * bytes of that PUBLISH at pBuffer (at most 7 bytes), for an application
 * that sends the topic, packet id and payload from their own memory;
 * *headerSize is how many were written. The topic is still checked.
 * MQTTBadParameter for a NULL argument, a bad topic or a remainingLength
 * that is not this packet's.
 */
MQTTStatus_t MQTT_SerializePublishHeaderWithoutTopic(
	const MQTTPublishInfo_t *pPublishInfo, size_t remainingLength,
	uint8_t *pBuffer, size_t *headerSize);

/*
 * Write PUBACK, PUBREC, PUBREL or PUBCOMP (packetType: MQTT_PACKET_TYPE_*,
 * the whole first byte) for packetId: MQTT_PUBLISH_ACK_PACKET_SIZE bytes.
 * MQTTBadParameter for a NULL buffer, packet id 0 or another packet type;
 * MQTTNoMemory for a buffer under 4 bytes.
 */
MQTTStatus_t MQTT_SerializeAck(const MQTTFixedBuffer_t *pFixedBuffer,
			       uint8_t packetType, uint16_t packetId);

/* Size of DISCONNECT (2). MQTTBadParameter for NULL. */
MQTTStatus_t MQTT_GetDisconnectPacketSize(size_t *pPacketSize);

/* Write DISCONNECT. MQTTNoMemory for a buffer under 2 bytes. */
MQTTStatus_t MQTT_SerializeDisconnect(const MQTTFixedBuffer_t *pFixedBuffer);

/* Size of PINGREQ (2). MQTTBadParameter for NULL. */
MQTTStatus_t MQTT_GetPingreqPacketSize(size_t *pPacketSize);

/* Write PINGREQ. MQTTNoMemory for a buffer under 2 bytes. */
MQTTStatus_t MQTT_SerializePingreq(const MQTTFixedBuffer_t *pFixedBuffer);

/*
 * Reading what a server sent: MQTT_GetIncomingPacketTypeAndLength (from
 * the transport) or MQTT_ProcessIncomingPacketTypeAndLength (from bytes
 * already received) fills type, remainingLength (and headerLength); the
 * application then reads the remaining bytes, points pRemainingData at
 * them and calls MQTT_DeserializePublish or MQTT_DeserializeAck.
 */

/*
 * Read a received PUBLISH: *pPublishInfo gets its QoS, flags, topic and
 * payload (pointing into pRemainingData; pPayload NULL when empty), and
 * *pPacketId its packet id when QoS is 1 or 2 (left alone for QoS 0).
 * MQTTBadParameter for a NULL argument or a packet that is not a PUBLISH;
 * MQTTBadResponse for a malformed one.
 */
MQTTStatus_t MQTT_DeserializePublish(const MQTTPacketInfo_t *pIncomingPacket,
				     uint16_t *pPacketId,
				     MQTTPublishInfo_t *pPublishInfo);

/*
 * Read a received CONNACK (*pSessionPresent; MQTTServerRefused when the
 * server refused the connection), SUBACK (*pPacketId; MQTTServerRefused
 * when a filter was refused), UNSUBACK, PUBACK, PUBREC, PUBREL, PUBCOMP
 * (*pPacketId) or PINGRESP. pPacketId may be NULL for CONNACK and
 * PINGRESP, pSessionPresent for all but CONNACK, pRemainingData for
 * PINGRESP. MQTTBadParameter for a NULL argument that is needed;
 * MQTTBadResponse for any other type, or a malformed packet.
 */
MQTTStatus_t MQTT_DeserializeAck(const MQTTPacketInfo_t *pIncomingPacket,
				 uint16_t *pPacketId, bool *pSessionPresent);

/*
 * Receive a packet's first byte and remaining length through readFunc, a
 * byte per call; sets type and remainingLength. MQTTNoDataAvailable when
 * the first read returns 0, MQTTRecvFailed when it fails; MQTTBadResponse
 * for a type a server does not send, a read that does not return the
 * length's next byte, or a length longer than four bytes or than its value
 * needs.
 */
MQTTStatus_t MQTT_GetIncomingPacketTypeAndLength(
	TransportRecv_t readFunc, NetworkContext_t *pNetworkContext,
	MQTTPacketInfo_t *pIncomingPacket);

/*
 * The same from the *pIndex bytes received so far at pBuffer; also sets
 * headerLength. MQTTNoDataAvailable when *pIndex is 0, MQTTNeedMoreBytes
 * when the remaining length is not complete yet, MQTTBadResponse as above.
 */
MQTTStatus_t MQTT_ProcessIncomingPacketTypeAndLength(
	const uint8_t *pBuffer, const size_t *pIndex,
	MQTTPacketInfo_t *pIncomingPacket);

/*
 * Header builders for sending a packet from several pieces of memory: each
 * writes at pIndex and returns the address after what it wrote.
 *
 * MQTT_SerializeConnectFixedHeader: a CONNECT's fixed header, protocol
 * name and level, flags and keep-alive (at most 15 bytes); the client id,
 * will and credentials follow. MQTT_Serialize(Un)subscribeHeader: the fixed
 * header and packet id (at most 7 bytes); the filters follow. NULL for a
 * NULL argument or a remainingLength that is not the packet's.
 */
uint8_t *MQTT_SerializeConnectFixedHeader(uint8_t *pIndex,
					  const MQTTConnectInfo_t *pConnectInfo,
					  const MQTTPublishInfo_t *pWillInfo,
					  size_t remainingLength);

uint8_t *MQTT_SerializeSubscribeHeader(size_t remainingLength,
				       uint8_t *pIndex, uint16_t packetId);

uint8_t *MQTT_SerializeUnsubscribeHeader(size_t remainingLength,
					 uint8_t *pIndex, uint16_t packetId);

#ifdef __cplusplus
}
#endif

#endif /* CORE_MQTT_SERIALIZER_H */
