//! Terraform plan JSON.

pub(crate) fn load(cx: &mut crate::Ctx<'_>, _v: &serde_json::Value, _o: &crate::LoadOptions) {
    cx.file_error("terraform plan JSON cannot be read yet".to_string());
}
