//! Which IMS and IAM endpoints a cloud and region mean (IMS-API.md §11d, §12).

pub(crate) use crate::domain::Cloud;

/// Huawei Cloud regions with an IMS endpoint `https://ims.{region}.myhuaweicloud.com`.
pub(crate) const HUAWEI_REGIONS: &[&str] = &[
    "af-south-1",
    "af-north-1",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-north-12",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-south-1",
    "cn-south-2",
    "cn-south-4",
    "cn-southwest-2",
    "cn-southwest-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "la-south-2",
    "la-north-2",
    "sa-brazil-1",
    "na-mexico-1",
    "tr-west-1",
    "me-east-1",
    "ae-ad-1",
    "eu-west-0",
    "eu-west-101",
    "my-kualalumpur-1",
    "ru-moscow-1",
];

/// Huawei regions without a regional IAM endpoint in the SDK: the global one serves them.
const HUAWEI_GLOBAL_IAM_REGIONS: &[&str] = &[
    "af-north-1",
    "ap-southeast-5",
    "cn-north-11",
    "cn-south-4",
    "cn-southwest-3",
];

pub(crate) const OTC_REGIONS: &[&str] = &["eu-de", "eu-nl"];
pub(crate) const OTC_SWISS_REGIONS: &[&str] = &["eu-ch2"];

pub(crate) fn regions(cloud: Cloud) -> &'static [&'static str] {
    match cloud {
        Cloud::Huaweicloud => HUAWEI_REGIONS,
        Cloud::Otc => OTC_REGIONS,
        Cloud::OtcSwiss => OTC_SWISS_REGIONS,
        Cloud::Openstack => &[],
    }
}

/// The cloud a region name belongs to, when it says so unambiguously.
pub(crate) fn cloud_of_region(region: &str) -> Option<Cloud> {
    if OTC_REGIONS.contains(&region) {
        Some(Cloud::Otc)
    } else if OTC_SWISS_REGIONS.contains(&region) {
        Some(Cloud::OtcSwiss)
    } else if HUAWEI_REGIONS.contains(&region) {
        Some(Cloud::Huaweicloud)
    } else {
        None
    }
}

/// The cloud an IAM/auth URL belongs to.
pub(crate) fn cloud_of_url(url: &str) -> Option<Cloud> {
    let u = url.to_ascii_lowercase();
    if u.contains(".sc.otc.t-systems.com") {
        Some(Cloud::OtcSwiss)
    } else if u.contains("otc.t-systems.com") {
        Some(Cloud::Otc)
    } else if u.contains("myhuaweicloud.") {
        Some(Cloud::Huaweicloud)
    } else {
        None
    }
}

pub(crate) fn ims_endpoint(cloud: Cloud, region: &str) -> Option<String> {
    if !regions(cloud).contains(&region) {
        return None;
    }
    Some(match cloud {
        Cloud::Huaweicloud => format!("https://ims.{region}.myhuaweicloud.com"),
        Cloud::Otc => format!("https://ims.{region}.otc.t-systems.com"),
        // Unconfirmed (IMS-API.md §12): the token catalog is preferred when there is one.
        Cloud::OtcSwiss => format!("https://ims.{region}.sc.otc.t-systems.com"),
        Cloud::Openstack => return None,
    })
}

pub(crate) fn iam_endpoint(cloud: Cloud, region: &str) -> Option<String> {
    if !regions(cloud).contains(&region) {
        return None;
    }
    Some(match cloud {
        Cloud::Huaweicloud if region == "eu-west-101" => {
            "https://iam.eu-west-101.myhuaweicloud.eu".to_string()
        }
        Cloud::Huaweicloud if HUAWEI_GLOBAL_IAM_REGIONS.contains(&region) => {
            "https://iam.myhuaweicloud.com".to_string()
        }
        Cloud::Huaweicloud => format!("https://iam.{region}.myhuaweicloud.com"),
        Cloud::Otc => format!("https://iam.{region}.otc.t-systems.com"),
        Cloud::OtcSwiss => format!("https://iam-pub.{region}.sc.otc.t-systems.com"),
        Cloud::Openstack => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_per_cloud_and_region() {
        assert_eq!(
            ims_endpoint(Cloud::Huaweicloud, "ap-southeast-1").as_deref(),
            Some("https://ims.ap-southeast-1.myhuaweicloud.com")
        );
        assert_eq!(
            ims_endpoint(Cloud::Otc, "eu-de").as_deref(),
            Some("https://ims.eu-de.otc.t-systems.com")
        );
        assert_eq!(
            iam_endpoint(Cloud::OtcSwiss, "eu-ch2").as_deref(),
            Some("https://iam-pub.eu-ch2.sc.otc.t-systems.com")
        );
        assert_eq!(
            iam_endpoint(Cloud::Huaweicloud, "eu-west-101").as_deref(),
            Some("https://iam.eu-west-101.myhuaweicloud.eu")
        );
        assert_eq!(
            iam_endpoint(Cloud::Huaweicloud, "cn-south-4").as_deref(),
            Some("https://iam.myhuaweicloud.com")
        );
        assert_eq!(ims_endpoint(Cloud::Otc, "ap-southeast-1"), None);
        assert_eq!(ims_endpoint(Cloud::Openstack, "RegionOne"), None);
    }

    #[test]
    fn clouds_from_regions_and_urls() {
        assert_eq!(cloud_of_region("eu-de"), Some(Cloud::Otc));
        assert_eq!(cloud_of_region("eu-ch2"), Some(Cloud::OtcSwiss));
        assert_eq!(cloud_of_region("cn-north-4"), Some(Cloud::Huaweicloud));
        assert_eq!(cloud_of_region("RegionOne"), None);
        assert_eq!(
            cloud_of_url("https://iam.eu-de.otc.t-systems.com/v3"),
            Some(Cloud::Otc)
        );
        assert_eq!(
            cloud_of_url("https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3"),
            Some(Cloud::OtcSwiss)
        );
        assert_eq!(cloud_of_url("https://keystone.example.org:5000/v3"), None);
    }
}
