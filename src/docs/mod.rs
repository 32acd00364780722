//! The documentation of the HTTP surface, shown on the API page. A test
//! compares it with the server functions that exist, both ways.

pub mod ui;

use serde_json::{Value, json};

/// One documented endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Who may call it.
    pub access: &'static str,
    pub input: Option<&'static str>,
    pub output: &'static str,
    pub errors: &'static str,
}

/// Every endpoint of the REST surface.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/healthz",
        summary: "Liveness and database state, for load balancers and monitoring.",
        access: "anyone",
        input: None,
        output: r#"{"status":"ok","version":"0.1.0","database":{"state":"up","backend":"SQLite","migrations":2}}"#,
        errors: "503 {\"status\":\"unavailable\"} when the database cannot be reached",
    },
    Endpoint {
        method: "GET",
        path: "/api/system/status",
        summary: "Version, database state and server time.",
        access: "anyone",
        input: None,
        output: r#"{"version":"0.1.0","database":{"state":"up","backend":"SQLite","migrations":2},"server_time":"2026-11-30T14:05:09Z"}"#,
        errors: "503 when the database cannot be reached",
    },
    Endpoint {
        method: "POST",
        path: "/api/auth/login",
        summary: "Signs in and sets the session cookie. After 5 failures within 15 minutes a username is locked for 15 minutes.",
        access: "anyone",
        input: Some(r#"{"username":"nurse","password":"vitalboard-nurse","next":"/"}"#),
        output: r#"{"id":2,"username":"nurse","display_name":"Nurse Linh Pham","role":"clinician"}"#,
        errors: "401 wrong username or password (one message for both); 403 account deactivated; 422 empty field; 429 locked",
    },
    Endpoint {
        method: "POST",
        path: "/api/auth/logout",
        summary: "Ends the session.",
        access: "anyone",
        input: None,
        output: "null",
        errors: "none",
    },
    Endpoint {
        method: "GET",
        path: "/api/auth/me",
        summary: "The signed-in user, or null.",
        access: "anyone",
        input: None,
        output: r#"{"id":2,"username":"nurse","display_name":"Nurse Linh Pham","role":"clinician"}"#,
        errors: "none",
    },
    Endpoint {
        method: "POST",
        path: "/api/auth/password",
        summary: "Changes the signed-in user's own password.",
        access: "signed-in users",
        input: Some(
            r#"{"current_password":"vitalboard-nurse","new_password":"a new long password"}"#,
        ),
        output: "null",
        errors: "401 not signed in; 403 API tokens; 422 wrong current password or new one too short",
    },
    Endpoint {
        method: "GET",
        path: "/api/wards",
        summary: "The wards the caller may see.",
        access: "every role",
        input: None,
        output: r#"[{"id":1,"name":"Dengue ward A"}]"#,
        errors: "401 not signed in or token not valid",
    },
    Endpoint {
        method: "POST",
        path: "/api/wards/create",
        summary: "Adds a ward.",
        access: "admin",
        input: Some(r#"{"name":"Paediatric ward C"}"#),
        output: r#"{"id":3,"name":"Paediatric ward C"}"#,
        errors: "401; 403; 409 name taken; 422 name empty or over 80 characters",
    },
    Endpoint {
        method: "POST",
        path: "/api/wards/rename",
        summary: "Renames a ward.",
        access: "admin",
        input: Some(r#"{"id":3,"name":"Paediatric ward C (east)"}"#),
        output: r#"{"id":3,"name":"Paediatric ward C (east)"}"#,
        errors: "401; 403; 404; 409 name taken; 422",
    },
    Endpoint {
        method: "GET",
        path: "/api/users",
        summary: "Every user account.",
        access: "admin",
        input: None,
        output: r#"[{"id":2,"username":"nurse","display_name":"Nurse Linh Pham","role":"clinician","all_wards":false,"ward_ids":[1],"active":true,"created_at":"2026-11-30T08:00:00Z","last_login_at":null}]"#,
        errors: "401; 403",
    },
    Endpoint {
        method: "POST",
        path: "/api/users/create",
        summary: "Creates a user account. Usernames are unique regardless of case.",
        access: "admin",
        input: Some(
            r#"{"username":"nurse.b","display_name":"Nurse B","role":"clinician","all_wards":false,"ward_ids":[1],"password":"at least ten characters"}"#,
        ),
        output: r#"{"id":5,"username":"nurse.b","display_name":"Nurse B","role":"clinician","all_wards":false,"ward_ids":[1],"active":true,"created_at":"2026-11-30T08:00:00Z","last_login_at":null}"#,
        errors: "401; 403; 409 username taken; 422 naming each invalid field (username: 1-64 of a-z 0-9 . _ -; password: 10-256 characters; ward_ids: existing wards, at least one unless all_wards)",
    },
    Endpoint {
        method: "POST",
        path: "/api/users/update",
        summary: "Changes a user's name, role and wards.",
        access: "admin",
        input: Some(r#"{"id":5,"display_name":"Nurse B","role":"observer","all_wards":true}"#),
        output: "the changed account, as in /api/users",
        errors: "401; 403; 404; 422",
    },
    Endpoint {
        method: "POST",
        path: "/api/users/set-active",
        summary: "Deactivates or reactivates an account; a deactivated user's sessions end at once.",
        access: "admin",
        input: Some(r#"{"id":5,"active":false}"#),
        output: "the changed account, as in /api/users",
        errors: "401; 403; 404; 422 deactivating yourself",
    },
    Endpoint {
        method: "POST",
        path: "/api/users/reset-password",
        summary: "Sets a new password for a user; their sessions end.",
        access: "admin",
        input: Some(r#"{"id":5,"password":"a new long password"}"#),
        output: "null",
        errors: "401; 403; 404; 422",
    },
    Endpoint {
        method: "GET",
        path: "/api/tokens",
        summary: "Every API token, newest first, without secrets.",
        access: "admin",
        input: None,
        output: r#"[{"id":1,"name":"Bedside gateway","prefix":"vb_1a2b3c4","role":"clinician","all_wards":false,"ward_ids":[1],"created_at":"2026-11-30T08:00:00Z","last_used_at":null,"revoked_at":null}]"#,
        errors: "401; 403",
    },
    Endpoint {
        method: "POST",
        path: "/api/tokens/create",
        summary: "Creates an API token. The secret is in this answer only; it is stored hashed.",
        access: "admin",
        input: Some(r#"{"name":"Bedside gateway","role":"clinician","ward_ids":[1]}"#),
        output: r#"{"token":"vb_…64 hex digits…","details":{"id":1,"name":"Bedside gateway","prefix":"vb_1a2b3c4","role":"clinician","all_wards":false,"ward_ids":[1],"created_at":"2026-11-30T08:00:00Z","last_used_at":null,"revoked_at":null}}"#,
        errors: "401; 403; 422",
    },
    Endpoint {
        method: "POST",
        path: "/api/tokens/revoke",
        summary: "Revokes an API token at once.",
        access: "admin",
        input: Some(r#"{"id":1}"#),
        output: "the token, with revoked_at set",
        errors: "401; 403; 404",
    },
    Endpoint {
        method: "GET",
        path: "/api/audit",
        summary: "The administration log, newest first: every user, ward and API token created or changed, with who did it and when. Query: page (from 1), per_page (1-500, default 50).",
        access: "admin",
        input: None,
        output: "{items:[{id,at,actor,action,subject,details}],total,page,per_page}",
        errors: "401; 403; 422 bad paging",
    },
    Endpoint {
        method: "GET",
        path: "/api/patients",
        summary: "The caller's patients by last and first name, searchable by name, hospital or admission number. Query: search, status (admitted | discharged | all; default admitted), page (from 1), per_page (1-500, default 25).",
        access: "every role (own wards)",
        input: None,
        output: r#"{"items":[{"id":7,"ward_name":"Dengue ward A","discharged_at":null,"created_at":"…","updated_at":"…","first_name":"Katherine","last_name":"Johnson","hospital_number":"H-1001","admission_number":"A-77","birth_date":"1990-06-03","sex":"female","ward_id":1,"bed":"12","admitted_at":"2026-11-27T08:00:00Z","monitoring_interval_hours":4,"spo2_scale2":false}],"total":1,"page":1,"per_page":25}"#,
        errors: "401; 422 page, per_page or search out of range",
    },
    Endpoint {
        method: "GET",
        path: "/api/patients/admitted",
        summary: "The admitted patients the caller may see, by name, with the stored phase, NEWS2 and newest values (as on the dashboard). Query: page (from 1), per_page (1-500, default 500).",
        access: "every role (own wards)",
        input: None,
        output: r#"{"items":[{"id":7,"ward_name":"Dengue ward A","first_name":"Minh","last_name":"Nguyen","hospital_number":"H-1001","status":{"phase":"critical","phase_reason":"Fever broke: …","phase_since":"2026-11-30T08:00:00Z","manual":false,"news2_total":6,"news2_band":"medium","observations":{"pulse_per_min":107,"temperature_c":36.7},"last_round_at":"2026-11-30T12:00:00Z"}}],"total":1,"page":1,"per_page":500}"#,
        errors: "401; 422 bad paging",
    },
    Endpoint {
        method: "GET",
        path: "/api/patients/get",
        summary: "One patient. Query: id.",
        access: "every role (own wards)",
        input: None,
        output: "a patient, as in the list",
        errors: "401; 404 no such patient in the caller's wards",
    },
    Endpoint {
        method: "POST",
        path: "/api/patients/create",
        summary: "Admits a patient. Every field of `patient` is a string; empty means absent. Unknown fields are refused.",
        access: "admin, clinician",
        input: Some(
            r#"{"patient":{"first_name":"Katherine","last_name":"Johnson","hospital_number":"H-1001","admission_number":"A-77","birth_date":"1990-06-03","sex":"female","ward_id":"1","bed":"12","admitted_at":"2026-11-27T08:00","monitoring_interval_hours":"4","spo2_scale2":"false"}}"#,
        ),
        output: "the new patient",
        errors: "401; 403; 409 hospital number already recorded; 422 naming each invalid field (names 1-100 characters, birth_date YYYY-MM-DD not in the future, sex female|male|other|unknown, ward_id one of the caller's wards, admitted_at not in the future, monitoring_interval_hours 1-6)",
    },
    Endpoint {
        method: "POST",
        path: "/api/patients/update",
        summary: "Changes a patient's details; the previous values go to the history.",
        access: "admin, clinician",
        input: Some(
            r#"{"id":7,"patient":{"first_name":"Katherine","last_name":"Johnson","hospital_number":"H-1001","ward_id":"1","monitoring_interval_hours":"2"}}"#,
        ),
        output: "the changed patient",
        errors: "401; 403; 404; 409; 422",
    },
    Endpoint {
        method: "POST",
        path: "/api/patients/discharge",
        summary: "Discharges a patient now, or at discharged_at (not before the admission, not in the future).",
        access: "admin, clinician",
        input: Some(r#"{"id":7,"discharged_at":"2026-11-30T10:00"}"#),
        output: "the patient, with discharged_at set",
        errors: "401; 403; 404; 409 already discharged; 422",
    },
    Endpoint {
        method: "POST",
        path: "/api/patients/delete",
        summary: "Deletes a patient and its rounds; the history keeps every value and the reason.",
        access: "admin",
        input: Some(r#"{"id":7,"reason":"admitted under the wrong hospital number"}"#),
        output: "null",
        errors: "401; 403; 404; 422 reason missing",
    },
    Endpoint {
        method: "GET",
        path: "/api/patients/history",
        summary: "Every change of a patient and its rounds, newest first: who, when, why, values before and after. Query: id, page, per_page (1-500, default 50).",
        access: "every role (own wards)",
        input: None,
        output: r#"{"items":[{"id":31,"entity":"round","entity_id":12,"patient_id":7,"action":"update","actor":"Nurse Linh Pham","at":"2026-11-30T10:02:00Z","reason":"pulse typed wrong","before":{"pulse_per_min":180},"after":{"pulse_per_min":108}}],"total":1,"page":1,"per_page":50}"#,
        errors: "401; 404; 422 bad paging",
    },
    Endpoint {
        method: "GET",
        path: "/api/rounds",
        summary: "A patient's rounds, newest first. Query: patient_id, from, to (RFC 3339, or YYYY-MM-DDTHH:MM in the hospital's time zone), page, per_page (1-500, default 50).",
        access: "every role (own wards)",
        input: None,
        output: r#"{"items":[{"id":12,"patient_id":7,"recorded_by":"Nurse Linh Pham","created_at":"…","updated_at":"…","measured_at":"2026-11-30T09:30:00Z","shift":"day","on_oxygen":false,"consciousness":"A","warning_signs":["abdominal_pain"],"clinical_notes":null,"medical_advice":null,"temperature_c":37.2,"pulse_per_min":108,"respiration_per_min":22,"systolic_mmhg":95,"diastolic_mmhg":70,"spo2_percent":96,"hematocrit_percent":46.0,"platelets_k_per_ul":62.0,"…":"every other measurement, null when not taken"}],"total":1,"page":1,"per_page":50}"#,
        errors: "401; 404; 422 bad range or paging",
    },
    Endpoint {
        method: "GET",
        path: "/api/rounds/get",
        summary: "One round. Query: id.",
        access: "every role (own wards)",
        input: None,
        output: "a round, as in the list",
        errors: "401; 404",
    },
    Endpoint {
        method: "POST",
        path: "/api/rounds/record",
        summary: "Records a round. Every measurement is optional and may be a number or a string; unknown fields are refused. Units: temperature_c Cel 25-45; pulse_per_min 20-300; respiration_per_min 0-80; systolic_mmhg 40-300; diastolic_mmhg 20-200; spo2_percent 50-100; intake_oral_ml, intake_iv_ml, intake_other_ml, output_urine_ml, output_emesis_ml, output_drainage_ml, output_other_ml 0-10000 mL; hematocrit_percent 10-80; platelets_k_per_ul 0-2000; wbc_k_per_ul 0-200; day_of_fever 1-30; pain_score 0-10; abdominal_circumference_cm 30-250; weight_kg 0.5-400; consciousness A|C|V|P|U; on_oxygen true|false; shift day|evening|night; warning_signs abdominal_pain, persistent_vomiting, fluid_accumulation, mucosal_bleeding, lethargy, liver_enlargement, hematocrit_rise; measured_at at most 5 minutes ahead.",
        access: "admin, clinician",
        input: Some(
            r#"{"patient_id":7,"round":{"measured_at":"2026-11-30T09:30","temperature_c":37.2,"pulse_per_min":108,"systolic_mmhg":95,"diastolic_mmhg":70,"spo2_percent":96,"on_oxygen":false,"consciousness":"A","warning_signs":["abdominal_pain"],"platelets_k_per_ul":62}}"#,
        ),
        output: "the new round",
        errors: "400 unknown field or unreadable body; 401; 403; 404; 409 patient discharged; 422 naming each invalid field and its allowed range",
    },
    Endpoint {
        method: "POST",
        path: "/api/rounds/record-batch",
        summary: "Records several rounds of one patient in one transaction: all or none; at most 500 rounds per batch.",
        access: "admin, clinician",
        input: Some(
            r#"{"patient_id":7,"rounds":[{"measured_at":"2026-11-30T08:00","pulse_per_min":104},{"measured_at":"2026-11-30T09:00","pulse_per_min":100}]}"#,
        ),
        output: "the new rounds",
        errors: "as /api/rounds/record; a 422 names the round as rounds[i].field, or names rounds when a batch is larger than 500",
    },
    Endpoint {
        method: "POST",
        path: "/api/rounds/correct",
        summary: "Corrects a round: the new values replace the old, which stay in the history with the reason.",
        access: "admin, clinician",
        input: Some(
            r#"{"id":12,"reason":"pulse typed wrong","round":{"measured_at":"2026-11-30T09:30","pulse_per_min":108}}"#,
        ),
        output: "the corrected round",
        errors: "400; 401; 403; 404; 422 (reason 1-500 characters)",
    },
    Endpoint {
        method: "POST",
        path: "/api/rounds/delete",
        summary: "Deletes a round; its values and the reason stay in the history.",
        access: "admin",
        input: Some(r#"{"id":12,"reason":"recorded for the wrong patient"}"#),
        output: "null",
        errors: "401; 403; 404; 422",
    },
    Endpoint {
        method: "GET",
        path: "/api/rounds/charts",
        summary: "The patient's charted measurements and NEWS2 over the last day (span=day) or the whole stay (span=course), downsampled to at most `buckets` points per series (default 120, at most 2000): each point is a single value or a time bucket's min, max and last value. Query: patient_id, span, buckets.",
        access: "every role (own wards)",
        input: None,
        output: r#"{"span":"day","from":"2026-11-29T14:05:09Z","to":"2026-11-30T14:05:09Z","rounds":6,"series":[{"name":"temperature_c","points":[{"at":"2026-11-30T08:00:00Z","min":38.4,"max":38.4,"last":38.4,"count":1}]},{"name":"news2","points":[{"at":"2026-11-30T08:00:00Z","min":3.0,"max":3.0,"last":3.0,"count":1}]}]}"#,
        errors: "401; 404; 422 span or buckets out of range",
    },
    Endpoint {
        method: "GET",
        path: "/api/rounds/status",
        summary: "The patient's dengue phase (febrile, critical, recovery, afebrile) and NEWS2 (total, band, points per parameter), each with its reason. Query: patient_id.",
        access: "every role (own wards)",
        input: None,
        output: r#"{"phase":{"phase":"critical","reason":"Fever broke: 37.2 °C at most on 2026-11-30 after peaks of 39.4 and 38.9 °C on the two days before","since":"2026-11-30T08:00:00Z","manual":false},"news2":{"total":5,"band":"medium","subscores":[{"parameter":"Pulse","points":2,"reason":"Pulse 118 /min 111–130 scores 2"}],"missing":[]},"observations":{"respiration_per_min":22,"spo2_percent":95,"on_oxygen":false,"systolic_mmhg":96,"pulse_per_min":118,"consciousness":"A","temperature_c":37.2}}"#,
        errors: "401; 404",
    },
    Endpoint {
        method: "POST",
        path: "/api/live/ticket",
        summary: "A one-use ticket, valid for 60 seconds, that opens the live socket as /ws?ticket=… for clients that cannot send a cookie or an Authorization header with the handshake.",
        access: "every role",
        input: None,
        output: r#"{"ticket":"9f1c0a…","expires_at":"2026-11-30T14:06:09Z"}"#,
        errors: "401",
    },
    Endpoint {
        method: "POST",
        path: "/api/rounds/phase",
        summary: "Sets the patient's dengue phase by hand (febrile, critical, recovery, afebrile); it wins over the rules until cleared. The reason is kept in the history.",
        access: "admin, clinician (own wards)",
        input: Some(
            r#"{"patient_id":7,"phase":"critical","reason":"clinical fluid accumulation on ultrasound"}"#,
        ),
        output: r#"{"phase":{"phase":"critical","reason":"Set by hand by Dr. Mai Tran: clinical fluid accumulation on ultrasound","since":"2026-11-30T14:05:09Z","manual":true},"news2":{"total":2,"band":"low","subscores":[],"missing":[]},"observations":{}}"#,
        errors: "401; 403; 404; 422 unknown phase or empty reason",
    },
    Endpoint {
        method: "POST",
        path: "/api/rounds/phase/clear",
        summary: "Returns the phase to the rules; the reason is kept in the history.",
        access: "admin, clinician (own wards)",
        input: Some(r#"{"patient_id":7,"reason":"ultrasound repeated: no fluid"}"#),
        output: r#"{"phase":{"phase":"febrile","reason":"Temperature 38.6 °C within the last 24 h","since":"2026-11-30T08:00:00Z","manual":false},"news2":{"total":2,"band":"low","subscores":[],"missing":[]},"observations":{}}"#,
        errors: "401; 403; 404; 422 empty reason",
    },
    Endpoint {
        method: "GET",
        path: "/api/notifications",
        summary: "The signed-in user's notifications, newest first, with the number unread. Query: kind (round_due, critical_phase, warning_sign, news2_rose, admitted, discharged), patient_id, unread_only, page, per_page.",
        access: "signed-in users (not API tokens)",
        input: None,
        output: r#"{"items":[{"id":41,"kind":"news2_rose","patient_id":7,"message":"Nguyen, Minh: NEWS2 6 — Medium: urgent response","reason":"The band rose from low: Pulse 135 /min ≥ 131 scores 3; SpO2 93 % 92–93 scores 2; Respiration 21 /min 21–24 scores 2","created_at":"2026-11-30T14:05:09Z","read_at":null}],"total":1,"unread":1,"page":1,"per_page":50}"#,
        errors: "401; 403 API tokens; 422 unknown kind",
    },
    Endpoint {
        method: "POST",
        path: "/api/notifications/read",
        summary: "Marks one notification (id) or all of yours (all: true) as read; answers how many changed. Your other tabs are told.",
        access: "signed-in users (not API tokens)",
        input: Some(r#"{"all":true}"#),
        output: "3",
        errors: "401; 403 API tokens; 404 not yours; 422 neither id nor all",
    },
    Endpoint {
        method: "GET",
        path: "/api/notifications/preferences",
        summary: "Which kinds of notification you receive.",
        access: "signed-in users (not API tokens)",
        input: None,
        output: r#"[{"kind":"round_due","enabled":true},{"kind":"critical_phase","enabled":true},{"kind":"warning_sign","enabled":true},{"kind":"news2_rose","enabled":true},{"kind":"admitted","enabled":false},{"kind":"discharged","enabled":false}]"#,
        errors: "401; 403 API tokens",
    },
    Endpoint {
        method: "POST",
        path: "/api/notifications/preferences/save",
        summary: "Receive exactly the kinds listed in enabled from now on.",
        access: "signed-in users (not API tokens)",
        input: Some(r#"{"enabled":["round_due","critical_phase","warning_sign","news2_rose"]}"#),
        output: r#"[{"kind":"round_due","enabled":true},{"kind":"admitted","enabled":false}]"#,
        errors: "401; 403 API tokens; 422 unknown kind",
    },
    Endpoint {
        method: "GET",
        path: "/api/settings/display",
        summary: "How times and temperatures are shown to you: temperature unit (C or F), clock (24 or 12) and the hospital's time zone with its UTC offsets. Before signing in, and for API tokens, the defaults.",
        access: "anyone",
        input: None,
        output: r#"{"temperature":"C","clock":"24","zone":{"name":"Asia/Ho_Chi_Minh","spans":[{"from":-9223372036854775808,"offset_seconds":25200,"abbreviation":"+07"}]}}"#,
        errors: "401 bad token",
    },
    Endpoint {
        method: "POST",
        path: "/api/settings/display/save",
        summary: "Choose the temperature unit (C or F) and the clock (24 or 12) you see.",
        access: "signed-in users (not API tokens)",
        input: Some(r#"{"display":{"temperature_unit":"F","clock":"12"}}"#),
        output: r#"{"temperature":"F","clock":"12","zone":{"name":"UTC","spans":[…]}}"#,
        errors: "401; 403 API tokens; 422 naming each bad field",
    },
];

/// The live socket's frames, each with what it shows.
pub const SOCKET_EXAMPLES: &[(&str, &str)] = &[
    (
        "Sent by the server when the socket opens: the newest sequence number.",
        r#"{"type":"welcome","seq":1042}"#,
    ),
    (
        "Subscribe to one patient's rounds, replaying what was missed since sequence number 1040.",
        r#"{"stream":"rounds","payload":{"action":"subscribe","request_id":1,"patient_id":7,"since":1040}}"#,
    ),
    (
        "Its reply, after the replayed events.",
        r#"{"type":"reply","stream":"rounds","request_id":1,"status":200,"data":{"seq":1042,"replayed":2}}"#,
    ),
    (
        "A push: every committed change carries its sequence number.",
        r#"{"type":"event","seq":1043,"at":"2026-11-30T14:05:09Z","stream":"rounds","action":"create","patient_id":7,"data":{"id":311,"patient_id":7,"temperature_c":38.4,"measured_at":"2026-11-30T14:05:00Z"}}"#,
    ),
    (
        "Record a round over the socket: the same arguments, checks and errors as POST /api/rounds/record.",
        r#"{"stream":"rounds","payload":{"action":"create","request_id":2,"patient_id":7,"round":{"temperature_c":51}}}"#,
    ),
    (
        "An error reply: the REST error body under errors, and a message to show.",
        r#"{"type":"reply","stream":"rounds","request_id":2,"status":422,"errors":{"error":"invalid","details":[{"field":"temperature_c","message":"must be between 25 and 45 °C"}]},"message":"Please correct: temperature_c: must be between 25 and 45 °C"}"#,
    ),
    (
        "Who is viewing a patient; subscribing also makes you a viewer.",
        r#"{"stream":"presence","payload":{"action":"subscribe","request_id":3,"patient_id":7}}"#,
    ),
    (
        "Pushed to every viewer when viewers come or go.",
        r#"{"type":"presence","patient_id":7,"viewers":["Dr. Ravi Kumar","Nurse Linh Pham"]}"#,
    ),
    (
        "Your notifications as they are created (and when they are marked read in another tab).",
        r#"{"stream":"notifications","payload":{"action":"subscribe","request_id":4}}"#,
    ),
    (
        "Pushes were dropped because the client fell behind: subscribe again with since.",
        r#"{"type":"resync","since":1043,"message":"Updates came faster than this connection could take; subscribe again with 'since'."}"#,
    ),
];

fn example(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// The REST surface as an OpenAPI 3 document, made from `ENDPOINTS`.
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let mut operation = json!({
            "summary": e.summary,
            "description": format!("Access: {}.", e.access),
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "example": example(e.output) } } },
                "default": { "description": e.errors },
            },
        });
        if let Some(input) = e.input {
            operation["requestBody"] = json!({
                "required": true,
                "content": {
                    "application/json": { "example": example(input) },
                    "application/x-www-form-urlencoded": {},
                },
            });
        }
        let entry = paths.entry(e.path.to_owned()).or_insert_with(|| json!({}));
        entry[e.method.to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "vitalboard",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Live monitoring of ward patients. Programs authenticate with a bearer token; browsers with the session cookie.",
        },
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": "vitalboard_session" },
            },
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_in_the_openapi_document() {
        let doc = openapi();
        for e in ENDPOINTS {
            let operation = &doc["paths"][e.path][e.method.to_lowercase()];
            assert!(operation.is_object(), "{} {} missing", e.method, e.path);
            assert_eq!(
                operation["requestBody"].is_object(),
                e.input.is_some(),
                "{}",
                e.path
            );
        }
    }

    #[test]
    fn request_examples_are_json() {
        for e in ENDPOINTS.iter().filter_map(|e| e.input) {
            assert!(serde_json::from_str::<Value>(e).is_ok(), "not JSON: {e}");
        }
    }
}
