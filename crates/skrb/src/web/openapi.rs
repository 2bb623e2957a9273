//! The OpenAPI description of `/api/v1`, generated from the handlers' annotations so it
//! cannot drift from the code.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Skrb API", description = "The information system for Centres for Social Work. Sign in with POST /api/v1/session and send the token as `Authorization: Bearer ...`. Errors are application/problem+json. Scripts use personal tokens (POST /api/v1/tokens), scoped to some permissions."),
    paths(
        crate::auth::web::api_login,
        crate::auth::web::api_logout,
        crate::registry::api::search,
        crate::registry::api::create_person,
        crate::registry::api::get_person,
        crate::registry::api::update_person,
        crate::registry::api::person_history,
        crate::registry::api::person_households,
        crate::registry::api::create_household,
        crate::registry::api::get_household,
        crate::registry::api::add_member,
        crate::registry::api::end_member,
        crate::registry::api::municipalities,
        crate::registry::restricted::restrict_api,
        crate::registry::restricted::break_glass_api,
        crate::registry::restricted::review_api,
        crate::registry::restricted::review_one_api,
        crate::registry::export::download,
        crate::audit::views::api,
        crate::auth::account::token_list_api,
        crate::auth::account::token_create_api,
        crate::auth::account::token_revoke_api,
        crate::auth::admin::roles_api,
        crate::auth::admin::role_put_api,
        crate::cases::api::types,
        crate::cases::api::add_type,
        crate::cases::api::set_type_active,
        crate::cases::api::intakes,
        crate::cases::api::record_intake,
        crate::cases::api::identify_intake,
        crate::cases::api::list,
        crate::cases::api::open,
        crate::cases::api::get,
        crate::cases::api::update,
        crate::cases::api::status,
        crate::cases::api::transfer,
        crate::cases::api::add_entry,
        crate::cases::api::save_draft,
        crate::cases::api::upload,
        crate::cases::api::download,
        crate::cases::api::add_plan,
        crate::cases::api::add_goal,
        crate::cases::api::add_review,
        crate::cases::api::add_task,
        crate::cases::api::task_done,
        crate::cases::api::work,
        crate::cases::api::caseloads,
        crate::cases::api::report_violence,
        crate::cases::api::add_member,
        crate::cases::api::add_measure,
        crate::partners::api::list,
        crate::partners::api::create,
        crate::partners::api::get,
        crate::partners::api::add_contact,
        crate::partners::api::link_user,
        crate::partners::api::referrals_list,
        crate::partners::api::refer,
        crate::partners::api::staff_answer,
        crate::partners::api::portal_list,
        crate::partners::api::portal_get,
        crate::partners::api::portal_answer,
        crate::rights::api::rights,
        crate::rights::api::add_right,
        crate::rights::api::params,
        crate::rights::api::add_param,
        crate::rights::api::calculate,
        crate::rights::api::renew,
        crate::rights::api::procedures,
        crate::rights::api::create,
        crate::rights::api::get,
        crate::rights::api::completion,
        crate::rights::api::input,
        crate::rights::api::decide,
        crate::rights::api::appeal,
        crate::rights::api::approve,
        crate::rights::api::deliver,
        crate::rights::api::document,
        crate::rights::api::object,
        crate::rights::api::forward,
        crate::rights::api::outcome,
        crate::rights::api::change,
        crate::rights::api::commission_list,
        crate::rights::api::commission_create,
        crate::rights::api::commission_get,
        crate::rights::api::member_add,
        crate::rights::api::session_add,
        crate::rights::api::reassess,
        crate::rights::api::session_get,
        crate::rights::api::item_add,
        crate::rights::api::session_held,
        crate::rights::api::finding,
    ),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
