// SPDX-License-Identifier: GPL-2.0
/*
 * The PF's devlink instance (pci/<PF address>): device info, the physical
 * port (p0, the PF netdev), the eswitch mode, and in switchdev mode a
 * pcivf port per VF (pf0vf<N>) with its representor, its function's MAC
 * (port function hw_addr) and its rate leaf (tx_max: the VF's policer,
 * the one max_tx_rate sets; tx_share: min_tx_rate).
 *
 * Locks: the instance lock (devl_lock, held by devlink around every op
 * and taken by sriov_configure), then RTNL, then hw->lock.
 */
#include <linux/pci.h>
#include <linux/rtnetlink.h>

#include "iovnic.h"

#define IOVNIC_FW_VERSION	"1.2.0"
#define IOVNIC_MBPS		125000ULL	/* bytes/s in a Mbit/s */

static struct iovnic_vport *iovnic_port_vport(struct devlink_port *dp)
{
	struct iovnic_pf *pf = devlink_priv(dp->devlink);

	if (dp->attrs.flavour != DEVLINK_PORT_FLAVOUR_PCI_VF)
		return NULL;
	return &pf->hw->vports[IOVNIC_VF_VPORT(dp->attrs.pci_vf.vf)];
}

int iovnic_port_fn_hw_addr_get(struct devlink_port *dp, u8 *hw_addr,
			       int *hw_addr_len, struct netlink_ext_ack *extack)
{
	struct iovnic_vport *vport = iovnic_port_vport(dp);

	if (!vport)
		return -EOPNOTSUPP;
	iovnic_vport_get_mac(vport, hw_addr);
	*hw_addr_len = ETH_ALEN;
	return 0;
}

/* As ip link set <pf> vf N mac: the VF's driver applies it, or refuses. */
int iovnic_port_fn_hw_addr_set(struct devlink_port *dp, const u8 *hw_addr,
			       int hw_addr_len, struct netlink_ext_ack *extack)
{
	struct iovnic_vport *vport = iovnic_port_vport(dp);
	int err;

	if (!vport) {
		NL_SET_ERR_MSG_MOD(extack, "only a VF port has a function address");
		return -EOPNOTSUPP;
	}
	if (hw_addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack, "an Ethernet address has 6 bytes");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(hw_addr)) {
		NL_SET_ERR_MSG_MOD(extack, "the address must be unicast and not zero");
		return -EINVAL;
	}
	rtnl_lock();
	err = iovnic_vport_assign_mac(vport, hw_addr);
	rtnl_unlock();
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "the VF's driver refused the address");
	return err;
}

/* A rate in bytes/s as whole Mbit/s, at most the port's speed. */
static int iovnic_rate_mbps(u64 rate, u32 *mbps,
			    struct netlink_ext_ack *extack)
{
	if (rate % IOVNIC_MBPS) {
		NL_SET_ERR_MSG_MOD(extack, "the rate must be a whole number of Mbit/s");
		return -EINVAL;
	}
	if (rate > IOVNIC_MAX_RATE * IOVNIC_MBPS) {
		NL_SET_ERR_MSG_MOD(extack, "the rate is above the port's 100 Gbit/s");
		return -EINVAL;
	}
	*mbps = div_u64(rate, IOVNIC_MBPS);
	return 0;
}

/* tx_max: the VF's policer, as max_tx_rate (ip link shows it so). */
static int iovnic_rate_leaf_tx_max_set(struct devlink_rate *rate, void *priv,
				       u64 tx_max,
				       struct netlink_ext_ack *extack)
{
	struct iovnic_vport *vport = priv;
	u32 mbps;
	int err;

	err = iovnic_rate_mbps(tx_max, &mbps, extack);
	if (err)
		return err;
	rtnl_lock();
	if (mbps && vport->vf.min_tx_rate > mbps) {
		NL_SET_ERR_MSG_MOD(extack, "tx_max is below the port's tx_share");
		err = -EINVAL;
	} else {
		vport->vf.max_tx_rate = mbps;
		iovnic_vport_set_rate(vport, mbps);
	}
	rtnl_unlock();
	return err;
}

/* tx_share: recorded, as min_tx_rate (the port never runs short). */
static int iovnic_rate_leaf_tx_share_set(struct devlink_rate *rate,
					 void *priv, u64 tx_share,
					 struct netlink_ext_ack *extack)
{
	struct iovnic_vport *vport = priv;
	u32 mbps;
	int err;

	err = iovnic_rate_mbps(tx_share, &mbps, extack);
	if (err)
		return err;
	rtnl_lock();
	if (vport->vf.max_tx_rate && mbps > vport->vf.max_tx_rate) {
		NL_SET_ERR_MSG_MOD(extack, "tx_share is above the port's tx_max");
		err = -EINVAL;
	} else {
		vport->vf.min_tx_rate = mbps;
	}
	rtnl_unlock();
	return err;
}

static void iovnic_vf_port_destroy(struct iovnic_pf *pf, u16 vf)
{
	struct iovnic_vf_port *vp = &pf->vf_ports[vf];

	iovnic_rep_destroy(vp->rep);
	vp->rep = NULL;
	devl_rate_leaf_destroy(&vp->dl_port);
	devl_port_unregister(&vp->dl_port);
}

static int iovnic_vf_port_create(struct iovnic_pf *pf, u16 vf)
{
	struct iovnic_vport *vport = &pf->hw->vports[IOVNIC_VF_VPORT(vf)];
	struct devlink *devlink = priv_to_devlink(pf);
	struct iovnic_vf_port *vp = &pf->vf_ports[vf];
	struct devlink_port *dp = &vp->dl_port;
	struct iovnic_rep *rep;
	int err;

	memset(dp, 0, sizeof(*dp));
	dp->attrs.switch_id.id_len = sizeof(pf->hw->switch_id);
	memcpy(dp->attrs.switch_id.id, pf->hw->switch_id,
	       sizeof(pf->hw->switch_id));
	devlink_port_attrs_pci_vf_set(dp, 0, 0, vf, false);
	err = iovnic_compat_vf_port_register(devlink, dp, 1 + vf);
	if (err)
		return err;
	err = iovnic_compat_rate_leaf_create(dp, vport);
	if (err)
		goto err_port;
	/* the leaf shows what ip link set <pf> vf N ... rate set */
	rtnl_lock();
	dp->devlink_rate->tx_max = vport->vf.max_tx_rate * IOVNIC_MBPS;
	dp->devlink_rate->tx_share = vport->vf.min_tx_rate * IOVNIC_MBPS;
	rtnl_unlock();
	rep = iovnic_rep_create(pf, vf, dp);
	if (IS_ERR(rep)) {
		err = PTR_ERR(rep);
		goto err_rate;
	}
	vp->rep = rep;
	return 0;

err_rate:
	devl_rate_leaf_destroy(dp);
err_port:
	devl_port_unregister(dp);
	return err;
}

/*
 * In switchdev mode, a port and a representor for each of @num_vfs VFs:
 * all or none.  Under the instance lock.
 */
int iovnic_devlink_vfs_create(struct iovnic_pf *pf, u16 num_vfs)
{
	u16 i;
	int err;

	devl_assert_locked(priv_to_devlink(pf));
	if (pf->mode != DEVLINK_ESWITCH_MODE_SWITCHDEV)
		return 0;
	for (i = 0; i < num_vfs; i++) {
		err = iovnic_vf_port_create(pf, i);
		if (err)
			goto err;
		pf->num_vf_ports = i + 1;
	}
	return 0;

err:
	iovnic_devlink_vfs_destroy(pf);
	return err;
}

void iovnic_devlink_vfs_destroy(struct iovnic_pf *pf)
{
	devl_assert_locked(priv_to_devlink(pf));
	while (pf->num_vf_ports) {
		pf->num_vf_ports--;
		iovnic_vf_port_destroy(pf, pf->num_vf_ports);
	}
}

static int iovnic_eswitch_mode_get(struct devlink *devlink, u16 *mode)
{
	struct iovnic_pf *pf = devlink_priv(devlink);

	*mode = pf->mode;
	return 0;
}

/*
 * Legacy -> switchdev: representors for the VFs there are, then the
 * eswitch turns.  Back: refused while flow rules are offloaded (delete
 * them first, as mlx5 asks); else the eswitch turns and the representors
 * go.  The VFs' legacy settings stay and apply again in legacy mode.
 */
static int iovnic_eswitch_mode_set(struct devlink *devlink, u16 mode,
				   struct netlink_ext_ack *extack)
{
	struct iovnic_pf *pf = devlink_priv(devlink);
	struct iovnic_hw *hw = pf->hw;
	int err;

	if (mode != DEVLINK_ESWITCH_MODE_LEGACY &&
	    mode != DEVLINK_ESWITCH_MODE_SWITCHDEV) {
		NL_SET_ERR_MSG_MOD(extack, "the modes are legacy and switchdev");
		return -EOPNOTSUPP;
	}
	if (mode == pf->mode)
		return 0;
	if (mode == DEVLINK_ESWITCH_MODE_SWITCHDEV) {
		pf->mode = mode;
		err = iovnic_devlink_vfs_create(pf, hw->num_vfs);
		if (err) {
			pf->mode = DEVLINK_ESWITCH_MODE_LEGACY;
			NL_SET_ERR_MSG_MOD(extack, "could not create the representors");
			return err;
		}
		rtnl_lock();
		err = iovnic_esw_set_mode(hw, true);
		rtnl_unlock();
		return err;
	}
	rtnl_lock();
	err = iovnic_esw_set_mode(hw, false);
	rtnl_unlock();
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "flow rules are offloaded: delete them first");
		return err;
	}
	iovnic_devlink_vfs_destroy(pf);
	pf->mode = mode;
	return 0;
}

static int iovnic_devlink_info_get(struct devlink *devlink,
				   struct devlink_info_req *req,
				   struct netlink_ext_ack *extack)
{
	struct iovnic_pf *pf = devlink_priv(devlink);
	char buf[32];
	int err;

	err = iovnic_compat_info_driver_name(req);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%*phN", (int)sizeof(pf->hw->switch_id),
		 pf->hw->switch_id);
	err = devlink_info_serial_number_put(req, buf);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%04x:%04x", IOVNIC_VENDOR_ID,
		 IOVNIC_PF_DEVICE_ID);
	err = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_ASIC_ID,
					     buf);
	if (err)
		return err;
	return devlink_info_version_running_put(req,
						DEVLINK_INFO_VERSION_GENERIC_FW,
						IOVNIC_FW_VERSION);
}

static const struct devlink_ops iovnic_devlink_ops = {
	.info_get		= iovnic_devlink_info_get,
	.eswitch_mode_get	= iovnic_eswitch_mode_get,
	.eswitch_mode_set	= iovnic_eswitch_mode_set,
	.rate_leaf_tx_share_set	= iovnic_rate_leaf_tx_share_set,
	.rate_leaf_tx_max_set	= iovnic_rate_leaf_tx_max_set,
	IOVNIC_COMPAT_DEVLINK_FN_OPS
};

/* The instance and its physical port, before the PF netdev exists. */
struct iovnic_pf *iovnic_devlink_alloc(struct pci_dev *pdev,
				       struct iovnic_hw *hw)
{
	struct devlink_port_attrs attrs = {
		.flavour = DEVLINK_PORT_FLAVOUR_PHYSICAL,
		.phys.port_number = 0,
	};
	struct devlink *devlink;
	struct iovnic_pf *pf;
	int err;

	devlink = devlink_alloc(&iovnic_devlink_ops, sizeof(*pf), &pdev->dev);
	if (!devlink)
		return ERR_PTR(-ENOMEM);
	pf = devlink_priv(devlink);
	pf->hw = hw;
	pf->pdev = pdev;
	pf->mode = DEVLINK_ESWITCH_MODE_LEGACY;
	pf->vf_ports = kcalloc(hw->total_vfs, sizeof(*pf->vf_ports),
			       GFP_KERNEL);
	if (hw->total_vfs && !pf->vf_ports) {
		err = -ENOMEM;
		goto err_free;
	}
	attrs.switch_id.id_len = sizeof(hw->switch_id);
	memcpy(attrs.switch_id.id, hw->switch_id, sizeof(hw->switch_id));
	devlink_port_attrs_set(&pf->port, &attrs);
	devl_lock(devlink);
	err = devl_port_register(devlink, &pf->port, 0);
	devl_unlock(devlink);
	if (err)
		goto err_free;
	return pf;

err_free:
	kfree(pf->vf_ports);
	devlink_free(devlink);
	return ERR_PTR(err);
}

void iovnic_devlink_free(struct iovnic_pf *pf)
{
	struct devlink *devlink = priv_to_devlink(pf);

	devl_lock(devlink);
	devl_port_unregister(&pf->port);
	devl_unlock(devlink);
	kfree(pf->vf_ports);
	devlink_free(devlink);
}

/* The PF netdev is registered: link it to p0 and open the instance. */
void iovnic_devlink_register(struct iovnic_pf *pf)
{
	iovnic_compat_dl_port_linked(&pf->port, pf->netdev);
	devlink_register(priv_to_devlink(pf));
}

/* Close the instance to users; the ports go with iovnic_devlink_free. */
void iovnic_devlink_unregister(struct iovnic_pf *pf)
{
	devlink_unregister(priv_to_devlink(pf));
	iovnic_compat_dl_port_unlink(&pf->port);
}

struct iovnic_pf *iovnic_pf_from_pdev(struct pci_dev *pdev)
{
	struct iovnic_priv *priv = netdev_priv(pci_get_drvdata(pdev));

	return priv->pf;
}
