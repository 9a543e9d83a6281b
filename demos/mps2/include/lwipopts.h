/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * lwipopts.h - lwIP 2.2 options of the mps2-an385 image.
 *
 * NO_SYS=0 with lwIP's FreeRTOS port (contrib/ports/freertos/sys_arch.c),
 * IPv4 only, DHCP, DNS with a local host list, TCP, and the netconn API
 * (no BSD sockets layer: c-shim/src/sockets_lwip.c sits on netconn).
 *
 * Memory: lwIP keeps its packet buffers and protocol control blocks in its
 * own static pools (.bss), not in the FreeRTOS heap. What lwIP takes from
 * the FreeRTOS heap are kernel objects only: the tcpip thread (its stack,
 * TCPIP_THREAD_STACKSIZE) and its mailbox, the receive mailbox and
 * semaphore of each netconn and the core-lock mutex, about
 * TCPIP_THREAD_STACKSIZE + 1 KB in all.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

/* ---- System ------------------------------------------------------------ */

#define NO_SYS                          0
#define SYS_LIGHTWEIGHT_PROT            1   /* critical sections (FreeRTOS) */
#define LWIP_TCPIP_CORE_LOCKING         1
#define LWIP_COMPAT_MUTEX               0
#define LWIP_NETCONN_SEM_PER_THREAD     0
#define LWIP_TIMERS                     1

/* Core-locking checks of the FreeRTOS port (debug builds, see LWIP_NOASSERT
 * below): every raw API call made outside the tcpip thread without
 * LOCK_TCPIP_CORE() asserts. */
#ifdef NDEBUG
#define LWIP_FREERTOS_CHECK_CORE_LOCKING 0
#else
#define LWIP_FREERTOS_CHECK_CORE_LOCKING 1
#if !defined(__ASSEMBLER__)
void sys_check_core_locking(void);
void sys_mark_tcpip_thread(void);
void sys_lock_tcpip_core(void);
void sys_unlock_tcpip_core(void);
#endif
#define LWIP_ASSERT_CORE_LOCKED()       sys_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD()        sys_mark_tcpip_thread()
#define LOCK_TCPIP_CORE()               sys_lock_tcpip_core()
#define UNLOCK_TCPIP_CORE()             sys_unlock_tcpip_core()
#endif

/* The tcpip thread: stack in bytes (the port divides by the word size),
 * just below the FreeRTOS timer task. Its high-water mark is logged. */
#define TCPIP_THREAD_NAME               "tcpip"
#define TCPIP_THREAD_STACKSIZE          1536
#define TCPIP_THREAD_PRIO               5
#define TCPIP_MBOX_SIZE                 16
#define DEFAULT_TCP_RECVMBOX_SIZE       16
#define DEFAULT_UDP_RECVMBOX_SIZE       4
#define DEFAULT_ACCEPTMBOX_SIZE         1

/* Not cryptographic: DHCP xid, DNS ids, TCP ISN and local ports
 * (net.c; seeded from the board's timers). TLS uses the PKCS#11 DRBG. */
#if !defined(__ASSEMBLER__)
unsigned int board_rand(void);
#endif
#define LWIP_RAND()                     ((u32_t)board_rand())

/* ---- Memory (static pools, not the FreeRTOS heap) ------------------------ */

#define MEM_LIBC_MALLOC                 0
#define MEMP_MEM_MALLOC                 0
#define MEM_ALIGNMENT                   4
/* lwIP's own heap: outgoing TCP data (NETCONN_COPY) and headers. */
#define MEM_SIZE                        (10 * 1024)

/* Received frames: one pool buffer holds a whole frame plus its FCS. */
#define PBUF_POOL_SIZE                  10
#define PBUF_POOL_BUFSIZE               1524
#define ETH_PAD_SIZE                    0

#define MEMP_NUM_PBUF                   8
#define MEMP_NUM_UDP_PCB                3   /* DHCP, DNS, spare */
#define MEMP_NUM_TCP_PCB                2
#define MEMP_NUM_TCP_PCB_LISTEN         1
#define MEMP_NUM_TCP_SEG                16
#define MEMP_NUM_NETBUF                 2
#define MEMP_NUM_NETCONN                3
#define MEMP_NUM_TCPIP_MSG_API          8
#define MEMP_NUM_TCPIP_MSG_INPKT        8
#define MEMP_NUM_ARP_QUEUE              4
/* lwIP's own timers plus the LAN9118 driver's 100 ms receive poll. */
#define MEMP_NUM_SYS_TIMEOUT            (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)

/* ---- Protocols ----------------------------------------------------------- */

#define LWIP_IPV4                       1
#define LWIP_IPV6                       0
#define LWIP_ARP                        1
#define LWIP_ETHERNET                   1
#define LWIP_ICMP                       1
#define LWIP_RAW                        0
#define LWIP_IGMP                       0
#define IP_REASSEMBLY                   0
#define IP_FRAG                         0
#define LWIP_UDP                        1
#define LWIP_TCP                        1

/* DHCP from QEMU's user network (10.0.2.15), without the ~2 s address
 * conflict probe: the emulated LAN has no other hosts. */
#define LWIP_DHCP                       1
#define LWIP_DHCP_DOES_ACD_CHECK        0
#define LWIP_ACD                        0
#define LWIP_AUTOIP                     0

/*
 * DNS with a local host list. QEMU's user network forwards 10.0.2.2 to the
 * host's 127.0.0.1, where the test broker listens; the broker's certificate
 * names "localhost" (and IP 10.0.2.2). Mapping the broker host name to
 * 10.0.2.2 here keeps SNI and the certificate's host-name check real: the
 * TLS transport connects to and verifies the *name*. Other names go to the
 * DNS server DHCP hands out (10.0.2.3, QEMU's forwarder).
 * BOARD_BROKER_HOST_NAME/_ADDRESS: CMake DEMO_HOST_LIST_NAME/_ADDRESS
 * (the address as "a, b, c, d").
 */
#define LWIP_DNS                        1
#define DNS_LOCAL_HOSTLIST              1
#define DNS_LOCAL_HOSTLIST_IS_DYNAMIC   0
#ifndef BOARD_BROKER_HOST_NAME
#define BOARD_BROKER_HOST_NAME          "localhost"
#endif
#ifndef BOARD_BROKER_HOST_ADDRESS
#define BOARD_BROKER_HOST_ADDRESS       10, 0, 2, 2
#endif
/* Expands the address list before IPADDR4_INIT_BYTES counts arguments. */
#define BOARD_IP4_INIT(...)             IPADDR4_INIT_BYTES(__VA_ARGS__)
#define DNS_LOCAL_HOSTLIST_INIT                                         \
	{ DNS_LOCAL_HOSTLIST_ELEM(BOARD_BROKER_HOST_NAME,               \
				  BOARD_IP4_INIT(BOARD_BROKER_HOST_ADDRESS)) }

/* TCP: one TLS connection. The window holds four full segments (the
 * server's certificate flight arrives at once); sends are copied. */
#define TCP_MSS                         1460
#define TCP_WND                         (4 * TCP_MSS)
#define TCP_SND_BUF                     (4 * TCP_MSS)
#define TCP_SND_QUEUELEN                16
#define TCP_LISTEN_BACKLOG              0
#define LWIP_TCP_KEEPALIVE              0
/* A connect that gets no answer gives up after 6 SYNs (lwIP default). */
#define TCP_SYNMAXRTX                   6

/* ---- Interfaces and APIs ------------------------------------------------- */

#define LWIP_SINGLE_NETIF               1
#define LWIP_NETIF_HOSTNAME             0
#define LWIP_NETIF_API                  0
#define LWIP_NETIF_STATUS_CALLBACK      0
#define LWIP_NETIF_LINK_CALLBACK        0
#define LWIP_NETIF_LOOPBACK             0

#define LWIP_NETCONN                    1
#define LWIP_SOCKET                     0
#define LWIP_SO_RCVTIMEO                1
#define LWIP_SO_SNDTIMEO                1
#define LWIP_NETCONN_FULLDUPLEX         0

/* ---- Diagnostics ----------------------------------------------------------- */

#define LWIP_STATS                      0
#define LWIP_STATS_DISPLAY              0
/*
 * LWIP_DEBUG stays off. LWIP_ASSERT is on in debug builds (arch/cc.h
 * reports and exits) and off in release builds (NDEBUG: CMake's Release,
 * RelWithDebInfo, MinSizeRel; the Make firmware's default): the assertion
 * texts and file names are ~14 KB of flash. configASSERT stays on.
 */
#ifdef NDEBUG
#define LWIP_NOASSERT
#endif

#endif /* LWIPOPTS_H */
