// SPDX-License-Identifier: GPL-2.0
/*
 * The synthetic path: the seeds' VMBus NIC beside a VF, and the guest's
 * failover between the two.  Writing a VF's number to
 * /sys/bus/pci/devices/<pf>/synthetic_add, from the network namespace
 * that plays the VM, creates for the MAC the PF gave that VF:
 *
 *   iovnic<P>s<N>     the host's end, in the PF netdev's namespace: a port
 *                     for the bridge (or OVS) that holds the PF's port
 *                     netdev iovnic<P>w;
 *   iovnic<P>s<N>sby  the guest's synthetic NIC, in the writer's
 *                     namespace, joined to the host's end by a channel
 *                     (a ring each way and NAPI at each end, so every
 *                     frame costs the host a softirq pass, as VMBus does);
 *   eth<K>            a net_failover master over it (standby), which
 *                     takes the VF as primary when the VF (same
 *                     permanent MAC) enters that namespace.
 *
 * synthetic_del removes the three.  While the VF is enslaved and up the
 * failover sends on it and the switch delivers to it; when it goes
 * (sriov_numvfs 0, unbind, leaving the namespace) or loses its link
 * (state disable), traffic takes the synthetic path, and the switch no
 * longer claims the MAC (switch.c), so frames for it reach the wire.
 *
 * The synths and their masters are on iovnic_synths under RTNL; adding
 * and removing also hold the PF's devlink instance lock.
 */
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <net/failover.h>
#include <net/net_failover.h>
#include <net/net_namespace.h>

#include "iovnic.h"

#define IOVNIC_SYNTH_RING	1024

/* One end of the synthetic NIC's channel: a netdev. */
struct iovnic_synth_end {
	struct net_device *netdev;
	struct iovnic_synth_end *peer;	/* fixed from creation to free */
	bool guest;
	struct napi_struct napi;
	struct iovnic_queue chan;	/* the frames the peer sent */
	struct iovnic_rep_stats __percpu *stats;
};

struct iovnic_synth {
	struct list_head list;		/* on iovnic_synths, RTNL */
	struct iovnic_pf *pf;
	unsigned int vf;
	struct iovnic_synth_end *host, *guest;
	/* RTNL; NULL once the master went with its namespace */
	struct failover *failover;
	struct net_device *master;
};

static LIST_HEAD(iovnic_synths);

static struct iovnic_synth *iovnic_synth_find(struct iovnic_pf *pf,
					      unsigned int vf)
{
	struct iovnic_synth *syn;

	ASSERT_RTNL();
	list_for_each_entry(syn, &iovnic_synths, list)
		if (syn->pf == pf && syn->vf == vf)
			return syn;
	return NULL;
}

static struct iovnic_synth *iovnic_synth_of_master(struct net_device *dev)
{
	struct iovnic_synth *syn;

	ASSERT_RTNL();
	list_for_each_entry(syn, &iovnic_synths, list)
		if (syn->master == dev)
			return syn;
	return NULL;
}

/*
 * Who receives what arrives at the guest's synthetic NIC.  net_failover
 * passes the standby's frames up only while no primary is enslaved; a VF
 * that is enslaved but down (state disable) carries nothing, and the
 * failover then transmits on the standby: the replies are the master's,
 * as netvsc gives its master what its VF receives.  Under RCU.
 */
static struct net_device *iovnic_synth_rx_dev(struct net_device *sby)
{
	struct net_device *master, *lower;
	struct list_head *iter;

	master = netdev_master_upper_dev_get_rcu(sby);
	if (!master || !netif_is_failover(master))
		return sby;
	iter = &master->adj_list.lower;
	while ((lower = netdev_next_lower_dev_rcu(master, &iter))) {
		if (lower == sby)
			continue;
		if (netif_running(lower) && netif_carrier_ok(lower))
			return sby;	/* the failover's call */
		return master;
	}
	return sby;
}

static int iovnic_synth_poll(struct napi_struct *napi, int budget)
{
	struct iovnic_synth_end *end = container_of(napi,
						    struct iovnic_synth_end,
						    napi);
	struct net_device *dev = end->netdev;
	int done;

	rcu_read_lock();
	if (end->guest)
		dev = iovnic_synth_rx_dev(dev);
	done = iovnic_ring_poll(napi, budget, &end->chan, dev, end->stats);
	rcu_read_unlock();
	return done;
}

static void iovnic_synth_notify(void *ctx)
{
	struct iovnic_synth_end *end = ctx;

	napi_schedule(&end->napi);
}

/* The channel is up while both ends are: both carriers follow. */
static int iovnic_synth_open(struct net_device *dev)
{
	struct iovnic_synth_end *end = netdev_priv(dev);

	napi_enable(&end->napi);
	iovnic_queue_rx_start(&end->chan);
	if (netif_running(end->peer->netdev)) {
		netif_carrier_on(dev);
		netif_carrier_on(end->peer->netdev);
	}
	return 0;
}

static int iovnic_synth_stop(struct net_device *dev)
{
	struct iovnic_synth_end *end = netdev_priv(dev);

	netif_carrier_off(dev);
	netif_carrier_off(end->peer->netdev);
	iovnic_queue_stop(&end->chan);
	napi_disable(&end->napi);
	return 0;
}

/* What the peer cannot take is counted in its rx_missed_errors. */
static netdev_tx_t iovnic_synth_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct iovnic_synth_end *end = netdev_priv(dev);

	iovnic_ring_count_tx(end->stats, skb->len);
	iovnic_queue_hand(&end->peer->chan, skb);
	return NETDEV_TX_OK;
}

static void iovnic_synth_get_stats64(struct net_device *dev,
				     struct rtnl_link_stats64 *st)
{
	struct iovnic_synth_end *end = netdev_priv(dev);

	iovnic_ring_fill_stats(end->stats, &end->chan, st);
}

static int iovnic_synth_change_mtu(struct net_device *dev, int mtu)
{
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

static const struct net_device_ops iovnic_synth_netdev_ops = {
	.ndo_open		= iovnic_synth_open,
	.ndo_stop		= iovnic_synth_stop,
	.ndo_start_xmit		= iovnic_synth_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= iovnic_synth_get_stats64,
	.ndo_change_mtu		= iovnic_synth_change_mtu,
};

static void iovnic_synth_get_drvinfo(struct net_device *dev,
				     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, IOVNIC_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, "synthetic", sizeof(info->bus_info));
}

static const struct ethtool_ops iovnic_synth_ethtool_ops = {
	.get_drvinfo		= iovnic_synth_get_drvinfo,
	.get_link		= ethtool_op_get_link,
};

static void iovnic_synth_end_free(struct iovnic_synth_end *end)
{
	netif_napi_del(&end->napi);
	iovnic_chan_fini(&end->chan);
	free_percpu(end->stats);
	free_netdev(end->netdev);
}

static struct iovnic_synth_end *iovnic_synth_end_alloc(const char *name,
						       struct net *net,
						       bool guest)
{
	struct iovnic_synth_end *end;
	struct net_device *dev;

	dev = alloc_netdev(sizeof(*end), name, NET_NAME_PREDICTABLE,
			   ether_setup);
	if (!dev)
		return NULL;
	end = netdev_priv(dev);
	end->netdev = dev;
	end->guest = guest;
	end->stats = netdev_alloc_pcpu_stats(struct iovnic_rep_stats);
	if (!end->stats)
		goto err_free;
	if (iovnic_chan_init(&end->chan, IOVNIC_SYNTH_RING,
			     iovnic_synth_notify, end))
		goto err_stats;
	dev->netdev_ops = &iovnic_synth_netdev_ops;
	dev->ethtool_ops = &iovnic_synth_ethtool_ops;
	iovnic_soft_netdev_setup(dev);
	dev_net_set(dev, net);
	netif_napi_add(dev, &end->napi, iovnic_synth_poll);
	netif_carrier_off(dev);
	return end;

err_stats:
	free_percpu(end->stats);
err_free:
	free_netdev(dev);
	return NULL;
}

/*
 * Take the failover apart (its slaves, its registration, its netdev), as
 * net_failover_destroy() does, but under the caller's RTNL and with
 * failover_unregister()'s rcu_dereference() inside an RCU section.  The
 * caller frees @master after RTNL, unless @master is on its way out
 * already (then the core frees it).
 */
static void iovnic_synth_failover_undo(struct failover *fo,
				       struct net_device *master,
				       bool unregister)
{
	struct net_device *lower, *slaves[2];
	struct list_head *iter;
	int i, n = 0;

	ASSERT_RTNL();
	netif_device_detach(master);
	netdev_for_each_lower_dev(master, lower, iter)
		if (n < ARRAY_SIZE(slaves))
			slaves[n++] = lower;
	for (i = 0; i < n; i++)
		failover_slave_unregister(slaves[i]);
	rcu_read_lock();
	failover_unregister(fo);
	rcu_read_unlock();
	if (unregister)
		unregister_netdevice(master);
}

/* Remove @syn's three netdevs; under the instance lock, not RTNL. */
static void iovnic_synth_destroy(struct iovnic_synth *syn)
{
	struct iovnic_hw *hw = syn->pf->hw;
	struct net_device *master;

	rtnl_lock();
	list_del(&syn->list);
	master = syn->master;
	if (master)
		iovnic_synth_failover_undo(syn->failover, master, true);
	syn->master = NULL;
	syn->failover = NULL;
	unregister_netdevice(syn->guest->netdev);
	unregister_netdevice(syn->host->netdev);
	iovnic_vport_set_standby(&hw->vports[IOVNIC_VF_VPORT(syn->vf)], false);
	rtnl_unlock();
	if (master)
		free_netdev(master);
	iovnic_synth_end_free(syn->guest);
	iovnic_synth_end_free(syn->host);
	kfree(syn);
}

/*
 * synthetic_add: the trio for VF @vf, the guest's half in the caller's
 * namespace.  EINVAL: no such VF; EEXIST: it has one; EADDRNOTAVAIL: the
 * PF gave the VF no MAC (ip link set <pf> vf N mac ...) to share.
 */
int iovnic_synth_add(struct iovnic_pf *pf, unsigned int vf)
{
	struct net *net = current->nsproxy->net_ns;
	struct iovnic_hw *hw = pf->hw;
	struct iovnic_vport *vport;
	struct iovnic_synth *syn;
	char name[IFNAMSIZ];
	struct failover *fo;
	u8 mac[ETH_ALEN];
	int err = 0;

	devl_assert_locked(priv_to_devlink(pf));
	if (vf >= hw->total_vfs)
		return -EINVAL;
	vport = &hw->vports[IOVNIC_VF_VPORT(vf)];
	rtnl_lock();
	if (iovnic_synth_find(pf, vf))
		err = -EEXIST;
	else if (!vport->vf.mac_set)
		err = -EADDRNOTAVAIL;
	else
		ether_addr_copy(mac, vport->vf.mac);
	rtnl_unlock();
	if (err)
		return err;

	syn = kzalloc(sizeof(*syn), GFP_KERNEL);
	if (!syn)
		return -ENOMEM;
	syn->pf = pf;
	syn->vf = vf;
	snprintf(name, sizeof(name), "iovnic%us%u", hw->index, vf);
	syn->host = iovnic_synth_end_alloc(name, dev_net(pf->netdev), false);
	/* at most "iovnic7s254sby" */
	if (snprintf(name, sizeof(name), "iovnic%us%usby", hw->index, vf) <
	    sizeof(name))
		syn->guest = iovnic_synth_end_alloc(name, net, true);
	err = -ENOMEM;
	if (!syn->host || !syn->guest)
		goto err_ends;
	syn->host->peer = syn->guest;
	syn->guest->peer = syn->host;
	eth_hw_addr_random(syn->host->netdev);
	eth_hw_addr_set(syn->guest->netdev, mac);	/* permanent */

	rtnl_lock();
	err = iovnic_soft_netdev_register(syn->host->netdev);
	rtnl_unlock();
	if (err)
		goto err_ends;
	/* the master first, so that the standby's registration joins it */
	fo = net_failover_create(syn->guest->netdev);
	if (IS_ERR(fo)) {
		err = PTR_ERR(fo);
		goto err_host;
	}
	rtnl_lock();
	syn->failover = fo;
	syn->master = rtnl_dereference(fo->failover_dev);
	list_add(&syn->list, &iovnic_synths);
	err = iovnic_soft_netdev_register(syn->guest->netdev);
	if (err) {
		list_del(&syn->list);
		iovnic_synth_failover_undo(fo, syn->master, true);
		unregister_netdevice(syn->host->netdev);
		rtnl_unlock();
		free_netdev(syn->master);
		goto err_ends;
	}
	iovnic_vport_set_standby(vport, true);
	rtnl_unlock();
	return 0;

err_host:
	unregister_netdev(syn->host->netdev);
err_ends:
	if (syn->guest)
		iovnic_synth_end_free(syn->guest);
	if (syn->host)
		iovnic_synth_end_free(syn->host);
	kfree(syn);
	return err;
}

/* synthetic_del: ENOENT if VF @vf has no synthetic NIC. */
int iovnic_synth_del(struct iovnic_pf *pf, unsigned int vf)
{
	struct iovnic_synth *syn;

	devl_assert_locked(priv_to_devlink(pf));
	rtnl_lock();
	syn = iovnic_synth_find(pf, vf);
	rtnl_unlock();
	if (!syn)
		return -ENOENT;
	iovnic_synth_destroy(syn);
	return 0;
}

/* The PF goes: its synthetic NICs go first.  Under the instance lock. */
void iovnic_synth_del_all(struct iovnic_pf *pf)
{
	struct iovnic_synth *syn;

	devl_assert_locked(priv_to_devlink(pf));
	for (;;) {
		rtnl_lock();
		list_for_each_entry(syn, &iovnic_synths, list)
			if (syn->pf == pf)
				goto found;
		rtnl_unlock();
		return;
found:
		rtnl_unlock();
		iovnic_synth_destroy(syn);
	}
}

/*
 * net_failover pairs by permanent MAC in any namespace; ours pair only
 * within one (a VF joins its guest when it enters the guest).  And when
 * the guest's namespace is deleted the core unregisters the master, which
 * cannot move: its failover goes with it, and the core frees it.
 */
static int iovnic_synth_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct net_device *master;
	struct iovnic_synth *syn;

	switch (event) {
	case NETDEV_REGISTER:
		if (!netif_is_failover_slave(dev))
			break;
		master = netdev_master_upper_dev_get(dev);
		if (master && iovnic_synth_of_master(master) &&
		    !net_eq(dev_net(master), dev_net(dev)))
			failover_slave_unregister(dev);
		break;
	case NETDEV_UNREGISTER:
		syn = iovnic_synth_of_master(dev);
		if (!syn)
			break;
		iovnic_synth_failover_undo(syn->failover, dev, false);
		syn->failover = NULL;
		syn->master = NULL;
		dev->needs_free_netdev = true;
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block iovnic_synth_nb = {
	.notifier_call = iovnic_synth_event,
};

int iovnic_synth_init(void)
{
	return register_netdevice_notifier(&iovnic_synth_nb);
}

void iovnic_synth_exit(void)
{
	unregister_netdevice_notifier(&iovnic_synth_nb);
}
