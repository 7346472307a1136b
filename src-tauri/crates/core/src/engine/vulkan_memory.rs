//! The memory each Vulkan device has: heap sizes and, where the driver has
//! `VK_EXT_memory_budget`, the budget this process may use and what it already uses. sr_vulkan
//! never reports running out of memory, so the automatic tile size is chosen from this.

use ash::vk;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MemoryHeap {
    pub size_bytes: u64,
    /// What this process may allocate from the heap (`VK_EXT_memory_budget`).
    pub budget_bytes: Option<u64>,
    /// What this process has allocated from it.
    pub usage_bytes: Option<u64>,
    pub device_local: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceMemory {
    pub name: String,
    pub heaps: Vec<MemoryHeap>,
}

impl DeviceMemory {
    /// Megabytes a job may use on the device: the budget left on its largest device-local
    /// heap, or 60 % of that heap without the extension (about what ncnn assumes).
    pub fn available_mb(&self) -> Option<u64> {
        let heap = self.heaps.iter().filter(|h| h.device_local).max_by_key(|h| h.size_bytes)?;
        let bytes = match (heap.budget_bytes, heap.usage_bytes) {
            (Some(budget), Some(usage)) => budget.saturating_sub(usage),
            _ => heap.size_bytes / 10 * 6,
        };
        Some(bytes / (1024 * 1024))
    }
}

/// Reads every device's heaps through the system's Vulkan loader.
pub fn query() -> Result<Vec<DeviceMemory>, String> {
    // SAFETY: loads the system's libvulkan; every handle below is destroyed before returning.
    let entry = unsafe { ash::Entry::load() }.map_err(|e| format!("no Vulkan loader: {e}"))?;
    let app = vk::ApplicationInfo::default().api_version(vk::API_VERSION_1_1);
    let info = vk::InstanceCreateInfo::default().application_info(&app);
    // SAFETY: a plain instance with no layers or extensions.
    let instance = unsafe { entry.create_instance(&info, None) }.map_err(|e| format!("vkCreateInstance: {e}"))?;
    let devices = unsafe { instance.enumerate_physical_devices() };
    let result = devices.map_err(|e| format!("vkEnumeratePhysicalDevices: {e}")).map(|devices| {
        devices
            .into_iter()
            .map(|device| {
                // SAFETY: `device` came from this instance, which is alive.
                unsafe { describe(&instance, device) }
            })
            .collect()
    });
    // SAFETY: nothing created from the instance outlives it.
    unsafe { instance.destroy_instance(None) };
    result
}

unsafe fn describe(instance: &ash::Instance, device: vk::PhysicalDevice) -> DeviceMemory {
    let properties = instance.get_physical_device_properties(device);
    let name = properties.device_name_as_c_str().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let has_budget = instance
        .enumerate_device_extension_properties(device)
        .unwrap_or_default()
        .iter()
        .any(|e| e.extension_name_as_c_str().is_ok_and(|n| n == ash::ext::memory_budget::NAME));
    let mut budget = vk::PhysicalDeviceMemoryBudgetPropertiesEXT::default();
    let mut memory = vk::PhysicalDeviceMemoryProperties2::default();
    if has_budget {
        memory = memory.push_next(&mut budget);
    }
    instance.get_physical_device_memory_properties2(device, &mut memory);
    let props = memory.memory_properties;
    let heaps = (0..props.memory_heap_count as usize)
        .map(|i| MemoryHeap {
            size_bytes: props.memory_heaps[i].size,
            budget_bytes: has_budget.then(|| budget.heap_budget[i]),
            usage_bytes: has_budget.then(|| budget.heap_usage[i]),
            device_local: props.memory_heaps[i].flags.contains(vk::MemoryHeapFlags::DEVICE_LOCAL),
        })
        .collect();
    DeviceMemory { name, heaps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(size_mb: u64, budget_mb: Option<u64>, usage_mb: Option<u64>) -> DeviceMemory {
        let mb = 1024 * 1024;
        DeviceMemory {
            name: "gpu".into(),
            heaps: vec![
                MemoryHeap { size_bytes: 256 * mb, budget_bytes: None, usage_bytes: None, device_local: false },
                MemoryHeap {
                    size_bytes: size_mb * mb,
                    budget_bytes: budget_mb.map(|b| b * mb),
                    usage_bytes: usage_mb.map(|u| u * mb),
                    device_local: true,
                },
            ],
        }
    }

    #[test]
    fn available_memory_is_the_budget_left_or_sixty_percent() {
        assert_eq!(device(8192, Some(7000), Some(1000)).available_mb(), Some(6000));
        assert_eq!(device(8192, None, None).available_mb(), Some(4915));
    }

    #[test]
    fn the_software_device_here_reports_its_heaps() {
        // The set-up installs Mesa's software Vulkan device, llvmpipe.
        let devices = query().expect("a Vulkan loader and device");
        assert!(!devices.is_empty());
        for device in &devices {
            assert!(!device.name.is_empty());
            assert!(device.heaps.iter().any(|h| h.size_bytes > 0), "{device:?}");
        }
    }
}
