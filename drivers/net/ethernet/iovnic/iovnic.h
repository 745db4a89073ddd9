/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iovnic - a virtual SR-IOV NIC.
 *
 * The module has two halves that talk the way a driver talks to hardware:
 *
 *  - the device: one software PCI host bridge per PF with emulated config
 *    space and an SR-IOV capability (hw_pci.c), its MSI vectors (irq.c),
 *    and the NIC's embedded switch (VEB): vports and their receive queues
 *    (vport.c), forwarding (switch.c), VLANs (vlan.c), the policer
 *    (policer.c), RSS and VMQ classification (rss.c), interrupt moderation
 *    (coalesce.c), the (MAC, VLAN) filter table (filter.c) and the physical
 *    port (wire.c); in switchdev mode the eswitch (eswitch.c) forwards by
 *    offloaded flow rules (flow.c) and hands what no rule matches to the
 *    representors' queues.  It keeps no net_device and knows no PCI driver: a
 *    driver attaches to a vport with struct iovnic_vport_ops and a cookie,
 *    and the device calls those (link changed, MAC assigned by the PF) and
 *    each queue's notify (frames arrived, no vector to raise);
 *  - the drivers: the "iovnic" PCI driver bound to PFs (pf.c, SR-IOV in
 *    sriov.c, devlink and the eswitch mode in devlink.c, representors in
 *    rep.c, TC flower offload in tc.c) and the "iovnicvf" one bound to VFs
 *    (vf.c), each creating a netdev (netdev.c, ethtool.c) that owns NAPI,
 *    carrier and RTNL-side state, sends into its vport (iovnic_sw_xmit)
 *    and polls its queues.
 *
 * scripts/layers (make lint, run by make check) keeps the device layer
 * free of netdevs.
 */
#ifndef _IOVNIC_H_
#define _IOVNIC_H_

#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/if_vlan.h>
#include <linux/if_link.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/ptr_ring.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <net/devlink.h>

#define IOVNIC_DRV_NAME		"iovnic"
#define IOVNIC_VF_DRV_NAME	"iovnicvf"

/*
 * IDs of the emulated functions: Red Hat's 1af4 with device IDs from the
 * 10f0-10ff range QEMU's docs/specs/pci-ids.rst sets aside for experimental
 * devices (no registration).  virtio-pci matches vendor 1af4 but leaves
 * any device outside 1000-107f alone (its probe returns ENODEV).
 */
#define IOVNIC_VENDOR_ID	0x1af4
#define IOVNIC_PF_DEVICE_ID	0x10f0
#define IOVNIC_VF_DEVICE_ID	0x10f1

#define IOVNIC_MAX_PFS		8
#define IOVNIC_MAX_VFS		255
#define IOVNIC_DOMAIN_BASE	0x10000

/* Config space layout of the emulated functions. */
#define IOVNIC_CAP_PCIE		0x40
#define IOVNIC_CAP_MSI		0x80
#define IOVNIC_EXTCAP_SRIOV	0x100
#define IOVNIC_VF_OFFSET	1
#define IOVNIC_VF_STRIDE	1

#define IOVNIC_MAX_QUEUES	16	/* queue pairs of a PF */
#define IOVNIC_MAX_VF_QUEUES	4	/* of a VF (one unless ethtool -L) */
#define IOVNIC_RING_SIZE	1024	/* default receive ring */
#define IOVNIC_RING_MIN		64
#define IOVNIC_RING_MAX		4096
#define IOVNIC_RSS_INDIR_SIZE	128
#define IOVNIC_RSS_KEY_SIZE	40
/* the longest hash input (IPv6 addresses and ports) in nibbles */
#define IOVNIC_RSS_NIBBLES	(2 * (IOVNIC_RSS_KEY_SIZE - 4))
#define IOVNIC_MAX_NTUPLE	64	/* VMQ filters of a PF */
#define IOVNIC_MAX_COAL_USECS	10000
#define IOVNIC_IRQ_ARMED	0	/* vector unmasked: may interrupt */
#define IOVNIC_IRQ_TIMER	1	/* moderation timer running */
#define IOVNIC_NAPI_WEIGHT	64
#define IOVNIC_FDB_BITS		13
#define IOVNIC_MAX_FILTERS	16384	/* per PF (switch) */
/*
 * What one VF may take of the filter table.  An untrusted VF (root in
 * somebody else's container or VM) gets a few addresses and VLANs, so
 * that all of them together (255 x 48) fit beside the entries every
 * vport's own MAC needs, which are reserved; a trusted VF gets more.
 */
#define IOVNIC_VF_MAX_UC	8	/* secondary unicast addresses */
#define IOVNIC_VF_MAX_MC	32	/* multicast addresses */
#define IOVNIC_VF_MAX_VLANS	8	/* VLANs joined */
#define IOVNIC_VF_MAX_FILTERS	48	/* (MAC, VLAN) entries */
#define IOVNIC_VF_TRUSTED_MAX_FILTERS	8192	/* half the table */
#define IOVNIC_MAX_RATE		100000	/* Mbit/s: the port's speed */
#define IOVNIC_FLOW_BITS	12	/* flow table buckets (switchdev) */
#define IOVNIC_MAX_FLOWS	16384	/* offloaded flow rules per PF */
#define IOVNIC_FLOW_MAX_ACTS	8	/* actions of one rule */

/* Vport 0 is the PF; vport n + 1 is VF n. */
#define IOVNIC_PF_VPORT		0
#define IOVNIC_VF_VPORT(vf)	((vf) + 1)

struct iovnic_hw;
struct iovnic_msi;
struct iovnic_vport;

/* Emulated config space of one function. */
struct iovnic_cfg {
	u8 data[PCI_CFG_SPACE_EXP_SIZE];
	u8 wmask[PCI_CFG_SPACE_EXP_SIZE];
};

/*
 * Exact-match receive filter: (MAC, VLAN) -> vport.  A unicast key has one
 * owner; a multicast key one entry per subscribed vport.
 */
struct iovnic_filter {
	struct hlist_node node;		/* hw->fdb, RCU */
	struct list_head list;		/* vport->filters, hw->lock */
	struct rcu_head rcu;
	u8 addr[ETH_ALEN];
	u16 vlan;
	bool stale;			/* during a resync */
	struct iovnic_vport *vport;
};

/* Per-CPU counters kept by the switch for each vport. */
struct iovnic_vport_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_dropped;
	u64 broadcast;
	u64 multicast;
	/* why tx_dropped/rx_dropped grew */
	u64 tx_spoofed;
	u64 tx_rate_limited;
	u64 tx_vlan_refused;
	u64 tx_link_down;
	u64 rx_link_down;
	u64 rx_ring_full;
	u64 rx_not_forwardable;		/* over the receiver's MTU, ... */
	struct u64_stats_sync syncp;
};

#define IOVNIC_VPORT_NSTATS \
	(offsetof(struct iovnic_vport_stats, syncp) / sizeof(u64))

/*
 * A receive queue of a vport.  The switch fills the ring and raises the
 * queue's vector; the owner polls the ring (NAPI).  A queue without a
 * vector of its own (or whose vector would fire on this very CPU) calls
 * the owner's notify() instead, in any context.
 */
struct iovnic_queue {
	struct iovnic_vport *vport;
	u16 idx;
	bool rx_ready;			/* owner is polling this queue */
	struct ptr_ring ring;
	/*
	 * The owner's callback and its cookie: written by the owner under
	 * RTNL in iovnic_queue_init/fini while the queue is stopped (no
	 * frame is delivered and NAPI is off), so the data path, which
	 * reads them only for a running queue, never sees them change.
	 */
	void (*notify)(void *ctx);
	void *ctx;
	/*
	 * The queue's vector (NULL: none, NAPI is scheduled directly): set
	 * by the owner with iovnic_queue_irq_set() under RTNL while the
	 * queue is stopped, as notify is.
	 */
	struct irq_data *irqd;
	unsigned long irq_flags;	/* IOVNIC_IRQ_* */
	atomic_t coal_count;		/* frames since the vector was armed */
	struct hrtimer coal_timer;
	atomic64_t ring_full;		/* frames dropped: ring full */
	u64 __percpu *fired;		/* interrupts signalled */
};

/*
 * VMQ filter (ethtool -N flow-type ether dst MAC [vlan V] action Q): the
 * PF's frames to MAC (in VLAN V) go to queue Q instead of through RSS.
 */
struct iovnic_ntuple {
	u32 loc;
	u8 mac[ETH_ALEN];
	u16 vlan;			/* IOVNIC_NTUPLE_ANY_VLAN: any */
	u64 action;			/* queue, or RX_CLS_FLOW_DISC */
};

#define IOVNIC_NTUPLE_ANY_VLAN	0xffff

/* The filters, replaced as a whole on each change (RCU). */
struct iovnic_ntuple_table {
	struct rcu_head rcu;
	unsigned int n;
	struct iovnic_ntuple rule[] __counted_by(n);
};

/* Administrative VF config set by the PF (ip link set <pf> vf N ...). */
struct iovnic_vf_cfg {
	u8 mac[ETH_ALEN];
	bool mac_set;
	bool spoofchk;
	bool trust;
	int link_state;			/* IFLA_VF_LINK_STATE_* */
	bool rss_query_en;		/* VF may query the PF's RSS setup */
	u32 min_tx_rate;		/* Mbit/s */
	u32 max_tx_rate;		/* Mbit/s, 0: unlimited */
};

/* Port VLAN: the switch tags what the vport sends, strips what it gets. */
struct iovnic_port_vlan {
	u16 vid;			/* 0: none */
	u8 qos;
	__be16 proto;
};

/* Token bucket policing a vport's transmit (max_tx_rate). */
struct iovnic_rate {
	spinlock_t lock;		/* tokens, last */
	u64 bytes_per_sec;		/* 0: unlimited */
	s64 burst;
	s64 tokens;
	u64 last;
};

/*
 * What the device asks of the driver that owns a vport (the PF or VF
 * driver bound to the function), as a NIC raises events to its driver.
 */
struct iovnic_vport_ops {
	/* the vport's link went up or down; hw->lock held */
	void (*link_changed)(void *owner, bool up);
	/*
	 * The PF assigned this VF the MAC @addr (the mailbox message of a
	 * real VF); the owner may refuse with an errno.  RTNL held.
	 */
	int (*mac_assigned)(void *owner, const u8 *addr);
};

/* What the device asks of the driver at the far end of the port. */
struct iovnic_port_ops {
	/* the PF's side of the port was enabled or disabled */
	void (*link_changed)(void *owner, bool up);
};

/*
 * A switch port.  The device owns it for its whole life; a driver attaches
 * to it while bound, and the device knows the driver only by its ops.
 */
struct iovnic_vport {
	struct iovnic_hw *hw;
	u16 idx;
	bool enabled;			/* PF: always; VF: while VFs exist */

	/* receive queues: up to IOVNIC_MAX_QUEUES (PF), _VF_QUEUES (VF) */
	struct iovnic_queue *queues;	/* max_queues */
	u16 max_queues;
	u16 num_queues;			/* in use; set by the owner */
	u32 ring_size;
	/* RSS: Toeplitz hash of the flow, indirection table to a queue */
	u8 rss_key[IOVNIC_RSS_KEY_SIZE];
	u8 rss_indir[IOVNIC_RSS_INDIR_SIZE];
	u32 rss_lut[IOVNIC_RSS_NIBBLES][16];	/* the key's hash table */
	struct iovnic_ntuple_table __rcu *ntuple;
	/* interrupt moderation (ethtool -C rx-usecs / rx-frames) */
	u32 coal_usecs;
	u32 coal_frames;
	bool rx_ready;			/* owner is up and polling */
	bool link_up;			/* link state: frames may pass */
	bool rxhash;			/* owner wants the RSS hash (skb->hash) */
	/* a synthetic NIC stands in (synth.c): set under RTNL, read by the switch */
	bool standby;
	u32 max_frame;			/* longest frame the owner takes */

	/*
	 * The owner, while attached: written under both RTNL and hw->lock
	 * (iovnic_vport_attach/detach, called by the driver right after it
	 * registered its netdev and right after it unregistered it), so
	 * holding either keeps it attached.  The data path does not use it.
	 */
	const struct iovnic_vport_ops *ops;
	void *owner;

	/* receive filters: what the owner asked for (hw->lock) */
	struct list_head filters;
	unsigned int num_filters;	/* entries in the table */
	unsigned int filters_refused;	/* wanted, over quota (last sync) */
	u8 mac[ETH_ALEN];		/* the owner's own address */
	u8 (*uc)[ETH_ALEN];		/* secondary unicast addresses */
	u8 (*mc)[ETH_ALEN];		/* multicast addresses */
	unsigned int uc_count, mc_count;
	DECLARE_BITMAP(vlans, VLAN_N_VID); /* VLAN filters of the owner */
	bool promisc, allmulti;		/* requested */
	bool promisc_granted;		/* requested and trusted */
	bool allmulti_granted;

	struct iovnic_port_vlan pvlan;
	struct iovnic_rate rate;
	/* vf.mac: written under RTNL and hw->lock, read under either */
	struct iovnic_vf_cfg vf;
	struct iovnic_vport_stats __percpu *stats;

	/*
	 * Switchdev mode: the queue to this VF's representor (the slow
	 * path), set up by the PF driver while the representor exists;
	 * its notify/ctx follow the rules of every queue.
	 */
	struct iovnic_queue rep_q;
};

/*
 * An offloaded flow rule (switchdev mode): TC flower on a representor or
 * the uplink, as the eswitch keeps it.  Keys are compared as u32 words.
 */
struct iovnic_flow_key {
	u8 dst[ETH_ALEN];
	u8 src[ETH_ALEN];
	__be16 eth_type;		/* the one after the VLAN tag */
	u16 vlan;			/* IOVNIC_FLOW_VLAN | prio << 13 | vid */
	u16 in_port;			/* vport: 0 the wire, n + 1 VF n */
	u8 ip_proto;
	u8 ip_flags;			/* IOVNIC_FLOW_FRAG, _FIRSTFRAG */
	__be32 src_ip[4];		/* IPv4: [0] */
	__be32 dst_ip[4];
	__be16 sport;
	__be16 dport;
};

#define IOVNIC_FLOW_KEY_WORDS	(sizeof(struct iovnic_flow_key) / sizeof(u32))
#define IOVNIC_FLOW_VLAN	0x1000	/* a tag is present */
#define IOVNIC_FLOW_FRAG	0x01
#define IOVNIC_FLOW_FIRSTFRAG	0x02

enum iovnic_flow_act_type {
	IOVNIC_ACT_MIRROR,		/* a copy to port */
	IOVNIC_ACT_REDIRECT,		/* to port; the last action */
	IOVNIC_ACT_DROP,		/* the last action */
	IOVNIC_ACT_VLAN_PUSH,
	IOVNIC_ACT_VLAN_POP,
	IOVNIC_ACT_VLAN_MANGLE,
};

struct iovnic_flow_act {
	u8 type;			/* enum iovnic_flow_act_type */
	u16 port;			/* vport: 0 the wire, n + 1 VF n */
	__be16 vlan_proto;
	u16 vlan_tci;			/* prio << 13 | vid */
};

/* What a driver installs: match @key under @mask, run @acts in order. */
struct iovnic_flow_spec {
	unsigned long cookie;
	u32 prio;			/* lower first */
	struct iovnic_flow_key key;
	struct iovnic_flow_key mask;
	unsigned int n_acts;
	struct iovnic_flow_act acts[IOVNIC_FLOW_MAX_ACTS];
};

/* The emulated device behind one PF: PCI host bridge, config space, switch. */
struct iovnic_hw {
	unsigned int index;		/* PF index: iovnic<index> */
	u16 total_vfs;
	struct pci_sysdata sysdata;	/* must stay first-level: bus->sysdata */
	struct resource busn;
	struct pci_bus *bus;
	struct iovnic_msi *msi;		/* the bus's MSI irq domain */

	struct iovnic_cfg pf_cfg;
	u8 (*vf_cfg)[PCI_CFG_SPACE_SIZE];
	u8 vf_wmask[PCI_CFG_SPACE_SIZE];

	/* switch */
	struct mutex lock;		/* filter table and vport config */
	u8 switch_id[8];
	u16 num_vfs;
	unsigned int num_filters;
	unsigned int num_promisc;	/* vports granted promisc */
	struct iovnic_vport *vports;	/* 1 + total_vfs */
	DECLARE_HASHTABLE(fdb, IOVNIC_FDB_BITS);

	/*
	 * fault injection (debugfs): fail so many queue setups, after
	 * letting so many succeed
	 */
	struct dentry *debugfs;
	atomic_t fail_queue_alloc;
	atomic_t fail_queue_alloc_after;

	/*
	 * the physical port and what it is cabled to (iovnic_wire_lock):
	 * a peer PF, or a driver's netdev (ext_ops set, then ext_q takes
	 * what leaves the switch and ext is set while it does)
	 */
	struct pci_dev *pf_pdev;	/* while the PF driver is bound */
	struct iovnic_hw __rcu *peer;
	bool port_enabled;		/* the PF driver enabled it (up) */
	bool port_up;
	bool ext;			/* read by the data path */
	bool ext_up;			/* the far end is up */
	const struct iovnic_port_ops *ext_ops;
	void *ext_owner;
	struct iovnic_queue ext_q;
	atomic64_t wire_tx_packets;
	atomic64_t wire_tx_bytes;
	atomic64_t wire_rx_packets;
	atomic64_t wire_rx_bytes;
	atomic64_t wire_rx_dropped;	/* no vport took a unicast frame */

	/*
	 * The eswitch mode (devlink): false legacy (the VEB above), true
	 * switchdev.  Written under RTNL and hw->lock, read by the data
	 * path.  The flow rules of switchdev mode: added and removed under
	 * hw->lock, looked up under RCU (flow.c).
	 */
	bool switchdev;
	unsigned int num_flows;
	unsigned int flow_l3_masks;		/* masks with IP/port fields */
	u64 flow_seq;
	struct list_head flow_masks;		/* RCU; hw->lock */
	DECLARE_HASHTABLE(flows, IOVNIC_FLOW_BITS);	/* by masked key */
	DECLARE_HASHTABLE(flow_cookies, 8);	/* by cookie; hw->lock */
};

/* Driver-side counters of one queue pair, per CPU. */
struct iovnic_qstats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_dropped;			/* left in the ring when it stopped */
	u64 polls;
	u64 tx_packets;
	u64 tx_bytes;
	struct u64_stats_sync syncp;
};

#define IOVNIC_QSTATS_N	(offsetof(struct iovnic_qstats, syncp) / sizeof(u64))

/* Driver side of one queue pair: its NAPI instance and vector. */
struct iovnic_rxq {
	struct napi_struct napi;
	struct iovnic_priv *priv;
	struct iovnic_queue *q;
	int irq;			/* 0 if none */
	char irq_name[IFNAMSIZ + 16];
};

/* Driver-side state of a PF or VF netdev. */
struct iovnic_priv {
	struct net_device *netdev;
	struct pci_dev *pdev;
	struct iovnic_hw *hw;
	struct iovnic_vport *vport;
	struct work_struct rx_mode_work;
	bool is_vf;
	struct iovnic_pf *pf;		/* PF: its devlink instance's */
	unsigned int num_queues;	/* queue pairs set up */
	struct iovnic_qstats __percpu *qstats;	/* [vport->max_queues] */
	struct iovnic_rxq rxq[];		/* [vport->max_queues] */
};

/* Per-CPU counters of a representor: what it carried (the slow path). */
struct iovnic_rep_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	struct u64_stats_sync syncp;
};

#define IOVNIC_REP_NSTATS \
	(offsetof(struct iovnic_rep_stats, syncp) / sizeof(u64))

/* A VF's representor netdev (switchdev mode). */
struct iovnic_rep {
	struct net_device *netdev;
	struct iovnic_pf *pf;
	struct iovnic_vport *vport;	/* the VF's */
	struct devlink_port *dl_port;
	struct napi_struct napi;
	struct iovnic_rep_stats __percpu *stats;
};

/* A VF as the PF's devlink sees it in switchdev mode. */
struct iovnic_vf_port {
	struct devlink_port dl_port;
	struct iovnic_rep *rep;
};

/*
 * The PF driver's devlink instance (its priv): the physical port and, in
 * switchdev mode, a port and a representor per VF.  Mode and VF ports
 * change under the instance lock (devl_lock), which sriov_configure takes
 * too; then RTNL; then hw->lock.
 */
struct iovnic_pf {
	struct iovnic_hw *hw;
	struct pci_dev *pdev;
	struct net_device *netdev;	/* the PF's: the uplink */
	struct devlink_port port;	/* the physical port, p0 */
	u16 mode;			/* DEVLINK_ESWITCH_MODE_* */
	u16 num_vf_ports;		/* VF ports and representors */
	struct iovnic_vf_port *vf_ports;	/* [total_vfs] */
	struct iovnic_port *port_dev;	/* the port's netdev, or NULL */
};

/* The port's netdev, iovnic<P>w: the far end of the PF's cable. */
struct iovnic_port {
	struct net_device *netdev;
	struct iovnic_hw *hw;
	struct napi_struct napi;
	struct iovnic_rep_stats __percpu *stats;
	/*
	 * ext_q's vector (a queue vector of the device), allocated with the
	 * netdev; requested while it is up, when ext_q->irqd points at it.
	 */
	int irq;
	char irq_name[IFNAMSIZ + 16];
};

/* main.c */
extern unsigned int iovnic_num_pfs;
extern unsigned int iovnic_total_vfs;
extern unsigned int iovnic_num_queues;
extern struct dentry *iovnic_debugfs_root;

/* hw_pci.c: the software PCI host bridge */
int iovnic_hw_fault(struct iovnic_hw *hw);
struct iovnic_hw *iovnic_hw_create(unsigned int index, u16 total_vfs);
void iovnic_hw_destroy(struct iovnic_hw *hw);
struct iovnic_hw *iovnic_hw_from_pdev(struct pci_dev *pdev);

/* irq.c: MSI irq domain of the bus, queue vectors, raising vectors */
int iovnic_irq_domain_create(struct iovnic_hw *hw);
void iovnic_irq_domain_attach(struct iovnic_hw *hw, struct pci_bus *bus);
void iovnic_irq_domain_destroy(struct iovnic_hw *hw);
int iovnic_irq_alloc_queue(struct iovnic_hw *hw);
void iovnic_irq_free_queue(int irq);
void iovnic_irq_raise(struct irq_data *irqd);
bool iovnic_irq_is_local(struct irq_data *irqd);

/* Why the switch dropped a frame: each bumps rx_dropped or tx_dropped. */
enum iovnic_drop {
	IOVNIC_DROP_RX,			/* no receiver, clone failed, ... */
	IOVNIC_DROP_RX_LINK,		/* receiver's link state is down */
	IOVNIC_DROP_RX_RING,		/* receive ring full */
	IOVNIC_DROP_RX_LEN,		/* over the receiver's MTU */
	IOVNIC_DROP_TX,			/* malformed */
	IOVNIC_DROP_TX_LINK,		/* sender's link state is down */
	IOVNIC_DROP_TX_SPOOF,		/* source MAC not the VF's */
	IOVNIC_DROP_TX_RATE,		/* over max_tx_rate */
	IOVNIC_DROP_TX_VLAN,		/* tag refused under a port VLAN */
};

/* vport.c: vports and their queues; switch.c: the switch's data path */
int iovnic_sw_init(struct iovnic_hw *hw);
void iovnic_sw_fini(struct iovnic_hw *hw);
void iovnic_sw_enable_vfs(struct iovnic_hw *hw, u16 num_vfs);
void iovnic_sw_disable_vfs(struct iovnic_hw *hw);
int iovnic_vport_attach(struct iovnic_vport *vport,
			const struct iovnic_vport_ops *ops, void *owner,
			const u8 *mac, u32 max_frame);
void iovnic_vport_detach(struct iovnic_vport *vport);
int iovnic_vport_assign_mac(struct iovnic_vport *vport, const u8 *addr);
void iovnic_vport_get_mac(struct iovnic_vport *vport, u8 *addr);
void iovnic_vport_set_max_frame(struct iovnic_vport *vport, u32 len);
void iovnic_vport_set_rxhash(struct iovnic_vport *vport, bool on);
void iovnic_vport_set_standby(struct iovnic_vport *vport, bool on);
int iovnic_chan_init(struct iovnic_queue *q, u32 size,
		     void (*notify)(void *ctx), void *ctx);
void iovnic_chan_fini(struct iovnic_queue *q);
int iovnic_queue_init(struct iovnic_queue *q, void (*notify)(void *ctx),
		      void *ctx);
void iovnic_queue_fini(struct iovnic_queue *q);
int iovnic_queue_init_ring(struct iovnic_queue *q, u32 size,
			   void (*notify)(void *ctx), void *ctx);
void iovnic_queue_stop(struct iovnic_queue *q);
void iovnic_queue_hand(struct iovnic_queue *q, struct sk_buff *skb);
int iovnic_vport_resize_rings(struct iovnic_vport *vport, unsigned int n,
			      u32 size);
void iovnic_queue_rx_start(struct iovnic_queue *q);
unsigned int iovnic_queue_rx_purge(struct iovnic_queue *q);
void iovnic_queue_irq_set(struct iovnic_queue *q, int irq);
void iovnic_queue_irq_rearm(struct iovnic_queue *q);
u64 iovnic_queue_fired(const struct iovnic_queue *q);
void iovnic_vport_rx_start(struct iovnic_vport *vport);
void iovnic_vport_rx_stop(struct iovnic_vport *vport);
void iovnic_vport_set_coalesce(struct iovnic_vport *vport, u32 usecs,
			       u32 frames);
void iovnic_vport_set_rate(struct iovnic_vport *vport, u32 mbps);
void iovnic_vport_rss_default(struct iovnic_vport *vport, unsigned int n);
void iovnic_vport_set_rss_key(struct iovnic_vport *v, const u8 *key);
bool iovnic_sw_xmit(struct iovnic_vport *src, struct sk_buff *skb);
void iovnic_count_drop(struct iovnic_vport *vport, enum iovnic_drop why);

/* coalesce.c, rss.c, policer.c, vlan.c: what the switch does to a frame */
void iovnic_queue_coal_init(struct iovnic_queue *q);
void iovnic_queue_kick(struct iovnic_queue *q);
struct iovnic_queue *iovnic_rx_queue(struct iovnic_vport *v,
				     struct sk_buff *skb);
bool iovnic_rate_allow(struct iovnic_rate *r, unsigned int len);
bool iovnic_vport_in_vlan(const struct iovnic_vport *v, u16 vid);
struct sk_buff *iovnic_vlan_ingress(struct iovnic_vport *src,
				    struct sk_buff *skb);
void iovnic_stats_sum(const void __percpu *pcpu, unsigned int n, u64 *out);
void iovnic_vport_get_stats(struct iovnic_vport *vport,
			    struct iovnic_vport_stats *sum);

/* filter.c: the (MAC, VLAN) filter table */
struct iovnic_filter *iovnic_fdb_find(struct iovnic_hw *hw, const u8 *addr,
				      u16 vlan);
void iovnic_fdb_subscribers(struct iovnic_hw *hw, const u8 *addr, u16 vlan,
			    unsigned long *subs);
void iovnic_vport_sync_filters(struct iovnic_vport *vport);
void iovnic_vport_flush_filters(struct iovnic_vport *vport);
int iovnic_vport_set_mac(struct iovnic_vport *vport, const u8 *addr);
int iovnic_vport_set_pvlan(struct iovnic_vport *vport,
			   const struct iovnic_port_vlan *pv);
int iovnic_vport_set_vlan(struct iovnic_vport *vport, u16 vid, bool on);
void iovnic_vport_set_trust(struct iovnic_vport *vport, bool on);
/* an array of MAC addresses, as iovnic_vport_set_rx_mode() takes them */
typedef u8 iovnic_addr_t[ETH_ALEN];
void iovnic_vport_set_rx_mode(struct iovnic_vport *vport,
			      iovnic_addr_t *uc, unsigned int uc_count,
			      iovnic_addr_t *mc, unsigned int mc_count,
			      bool promisc, bool allmulti);

/* eswitch.c: switchdev mode's data path; flow.c: its flow rules */
int iovnic_esw_set_mode(struct iovnic_hw *hw, bool switchdev);
int iovnic_esw_rep_init(struct iovnic_vport *vport, void (*notify)(void *ctx),
			void *ctx);
void iovnic_esw_rep_fini(struct iovnic_vport *vport);
void iovnic_esw_rep_rx_start(struct iovnic_vport *vport);
void iovnic_esw_rep_rx_stop(struct iovnic_vport *vport);
void iovnic_esw_rep_xmit(struct iovnic_vport *vport, struct sk_buff *skb);
void iovnic_esw_wire_rx(struct iovnic_hw *hw, struct sk_buff *skb);
void iovnic_esw_slow_path(struct iovnic_hw *hw, u16 in_port,
			  struct sk_buff *skb);
void iovnic_deliver(struct iovnic_vport *dst, struct sk_buff *skb);
struct sk_buff *iovnic_skb_take(struct sk_buff *skb);
void iovnic_queue_kick_now(struct iovnic_queue *q);
void iovnic_flow_init(struct iovnic_hw *hw);
void iovnic_flow_fini(struct iovnic_hw *hw);
int iovnic_flow_add(struct iovnic_hw *hw, const struct iovnic_flow_spec *spec);
int iovnic_flow_del(struct iovnic_hw *hw, unsigned long cookie, u16 in_port);
int iovnic_flow_stats(struct iovnic_hw *hw, unsigned long cookie, u16 in_port,
		      u64 *packets, u64 *bytes, unsigned long *lastused);
void iovnic_flow_flush_port(struct iovnic_hw *hw, u16 port);
unsigned int iovnic_flow_count(struct iovnic_hw *hw);
bool iovnic_flow_run(struct iovnic_hw *hw, u16 in_port, struct sk_buff *skb);

/* wire.c: the physical port, link state and the peer cable */
void iovnic_wire_pf_bound(struct iovnic_hw *hw, struct pci_dev *pdev);
void iovnic_wire_pf_unbound(struct iovnic_hw *hw);
void iovnic_wire_update_link(struct iovnic_hw *hw);
void iovnic_wire_port_enable(struct iovnic_hw *hw, bool on);
int iovnic_wire_connect(struct iovnic_hw *hw, struct iovnic_hw *other);
void iovnic_wire_disconnect(struct iovnic_hw *hw);
struct pci_dev *iovnic_wire_peer_get(struct iovnic_hw *hw);
void iovnic_vport_update_link(struct iovnic_vport *vport);
void iovnic_wire_tx(struct iovnic_hw *hw, struct sk_buff *skb);
int iovnic_wire_ext_attach(struct iovnic_hw *hw,
			   const struct iovnic_port_ops *ops, void *owner,
			   void (*notify)(void *ctx), void *ctx);
void iovnic_wire_ext_detach(struct iovnic_hw *hw);
void iovnic_wire_ext_set_up(struct iovnic_hw *hw, bool up);
bool iovnic_wire_ext_attached(struct iovnic_hw *hw);
void iovnic_wire_ext_xmit(struct iovnic_hw *hw, struct sk_buff *skb);

/* A rule's output: port 0 is the wire, n + 1 VF n.  Under RCU-bh. */
static inline void iovnic_esw_output(struct iovnic_hw *hw, u16 port,
				     struct sk_buff *skb)
{
	if (port == IOVNIC_PF_VPORT)
		iovnic_wire_tx(hw, skb);
	else
		iovnic_deliver(&hw->vports[port], skb);
}

/*
 * eswitch.c's transmit, inline in switch.c's data path (a call and return
 * per frame is measurable under TCG): a frame @src sent passed its checks
 * in switchdev mode.  The PF is the uplink: what it sends leaves on the
 * wire.  A VF's frame runs the offloaded rules, or takes the slow path to
 * its representor.  Under RCU-bh.
 */
static inline void iovnic_esw_xmit(struct iovnic_vport *src,
				   struct sk_buff *skb)
{
	struct iovnic_hw *hw = src->hw;

	if (src->idx == IOVNIC_PF_VPORT)
		iovnic_wire_tx(hw, skb);
	else if (!iovnic_flow_run(hw, src->idx, skb))
		iovnic_esw_slow_path(hw, src->idx, skb);
}

void iovnic_sw_wire_rx(struct iovnic_hw *hw, struct sk_buff *skb);

/* netdev.c: code shared by PF and VF netdevs */
int iovnic_napi_irq_request(struct napi_struct *napi, struct iovnic_queue *q,
			    int irq, char *name, size_t len,
			    unsigned int spread);
void iovnic_napi_irq_release(struct napi_struct *napi, struct iovnic_queue *q,
			     int irq);
struct net_device *iovnic_netdev_alloc(struct pci_dev *pdev,
				       struct iovnic_hw *hw,
				       struct iovnic_vport *vport,
				       const char *name, bool is_vf);
void iovnic_netdev_free(struct net_device *dev);
int iovnic_netdev_register(struct net_device *dev);
void iovnic_netdev_unregister(struct net_device *dev);
int iovnic_netdev_set_queues(struct net_device *dev, unsigned int n);
int iovnic_netdev_set_ring(struct net_device *dev, u32 size);
void iovnic_netdev_queue_stats(struct net_device *dev, unsigned int q,
			       struct iovnic_qstats *sum);
extern const struct ethtool_ops iovnic_ethtool_ops;

/* sriov.c: sriov_configure, ndo_set_vf_* and ndo_get_vf_* */
int iovnic_sriov_configure(struct pci_dev *pdev, int num_vfs);
void iovnic_sriov_disable(struct pci_dev *pdev);
int iovnic_pf_set_vf_mac(struct net_device *dev, int vf, u8 *mac);
int iovnic_pf_get_vf_config(struct net_device *dev, int vf,
			    struct ifla_vf_info *ivi);
int iovnic_pf_set_vf_vlan(struct net_device *dev, int vf, u16 vlan, u8 qos,
			  __be16 proto);
int iovnic_pf_set_vf_spoofchk(struct net_device *dev, int vf, bool on);
int iovnic_pf_set_vf_trust(struct net_device *dev, int vf, bool on);
int iovnic_pf_set_vf_link_state(struct net_device *dev, int vf, int state);
int iovnic_pf_set_vf_rate(struct net_device *dev, int vf, int min_rate,
			  int max_rate);
int iovnic_pf_get_vf_stats(struct net_device *dev, int vf,
			   struct ifla_vf_stats *st);
int iovnic_pf_set_vf_rss_query_en(struct net_device *dev, int vf, bool on);

/* devlink.c: the PF's devlink instance, ports and eswitch mode */
struct iovnic_pf *iovnic_devlink_alloc(struct pci_dev *pdev,
				       struct iovnic_hw *hw);
void iovnic_devlink_free(struct iovnic_pf *pf);
void iovnic_devlink_register(struct iovnic_pf *pf);
void iovnic_devlink_unregister(struct iovnic_pf *pf);
int iovnic_devlink_vfs_create(struct iovnic_pf *pf, u16 num_vfs);
void iovnic_devlink_vfs_destroy(struct iovnic_pf *pf);
struct iovnic_pf *iovnic_pf_from_pdev(struct pci_dev *pdev);
int iovnic_port_fn_hw_addr_get(struct devlink_port *dp, u8 *hw_addr,
			       int *hw_addr_len, struct netlink_ext_ack *extack);
int iovnic_port_fn_hw_addr_set(struct devlink_port *dp, const u8 *hw_addr,
			       int hw_addr_len, struct netlink_ext_ack *extack);
/* netdev.c, rep.c: a netdev's devlink port (6.1's ndo_get_devlink_port) */
struct devlink_port *iovnic_get_devlink_port(struct net_device *dev);

/* port.c: the port's netdev (peer "netdev") */
void iovnic_soft_netdev_setup(struct net_device *dev);
int iovnic_soft_netdev_register(struct net_device *dev);
int iovnic_port_netdev_create(struct iovnic_pf *pf);
void iovnic_port_netdev_destroy(struct iovnic_pf *pf);

/* synth.c: the synthetic NIC and failover of a VF */
int iovnic_synth_add(struct iovnic_pf *pf, unsigned int vf);
int iovnic_synth_del(struct iovnic_pf *pf, unsigned int vf);
void iovnic_synth_del_all(struct iovnic_pf *pf);
int iovnic_synth_init(void);
void iovnic_synth_exit(void);

/* rep.c: representors; tc.c: TC flower offload on them and the uplink */
struct iovnic_rep *iovnic_rep_create(struct iovnic_pf *pf, u16 vf,
				     struct devlink_port *dl_port);
void iovnic_rep_destroy(struct iovnic_rep *rep);
int iovnic_ring_poll(struct napi_struct *napi, int budget,
		     struct iovnic_queue *q, struct net_device *dev,
		     struct iovnic_rep_stats __percpu *stats);
void iovnic_ring_count_tx(struct iovnic_rep_stats __percpu *stats,
			  unsigned int len);
void iovnic_ring_fill_stats(struct iovnic_rep_stats __percpu *stats,
			    struct iovnic_queue *q, struct rtnl_link_stats64 *st);
int iovnic_tc_setup(struct net_device *dev, enum tc_setup_type type,
		    void *type_data);
int iovnic_tc_port_of(const struct net_device *dev, struct iovnic_hw *hw);
bool iovnic_is_pf_netdev(const struct net_device *dev);
bool iovnic_is_rep_netdev(const struct net_device *dev);

/* pf.c and vf.c: the PCI drivers */
extern struct pci_driver iovnic_pf_driver;
extern struct pci_driver iovnic_vf_driver;

/* ethtool.c: what the kernel-API shims of iovnic_compat.h call */
int iovnic_get_rss(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc);
int iovnic_set_rss(struct net_device *dev, const u32 *indir, const u8 *key,
		   u8 hfunc, struct netlink_ext_ack *extack);
#ifdef IOVNIC_HAVE_QSTATS
extern const struct netdev_stat_ops iovnic_stat_ops;
#endif

#include "iovnic_compat.h"

#endif /* _IOVNIC_H_ */
