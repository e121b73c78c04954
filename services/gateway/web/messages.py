"""Every message a user can read, in zh-CN (first) and English.

Schemas and handlers speak in message keys (``"too_long|max=100"``: a key, then
parameters); :func:`localize` turns them into sentences in the user's language at the
edge, so the page and the API say exactly the same thing.
"""

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

MESSAGES = {
    # field errors
    "required": ("此项为必填项", "This field is required."),
    "null": ("此项不能为空", "This field may not be empty."),
    "blank": ("此项不能只填空格", "This field may not be blank."),
    "unknown_field": ("表单中没有这一项", "This field is not part of the form."),
    "not_text": ("此项应为文字", "This field must be text."),
    "invalid_text": (
        "此项含有无效字符（不成对的代理字符），请重新输入",
        "This field contains a character that is not valid text (a lone surrogate); please type it again.",
    ),
    "not_finite": (
        "此项应为有限数值（不接受NaN、Infinity或超出范围的数）",
        "This field must be a finite number (not NaN, Infinity or a number out of range).",
    ),
    "not_integer": ("此项应为整数", "This field must be a whole number."),
    "not_boolean": ("此项应为是或否", "This field must be yes or no."),
    "not_object": ("此项应为一组键值", "This field must be an object."),
    "not_list": ("此项应为列表", "This field must be a list."),
    "too_long": ("不能超过{max}个字符", "At most {max} characters."),
    "range": ("应在{min}到{max}之间", "Must be between {min} and {max}."),
    "count": ("应填写{min}到{max}项", "Give between {min} and {max} entries."),
    "not_an_option": ("请从以下选项中选择：{choices}", "Choose one of: {choices}."),
    "uscc_length": (
        "统一社会信用代码应为18位",
        "A unified social credit code has 18 characters.",
    ),
    "uscc_charset": (
        "统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）",
        "A unified social credit code uses digits and capitals other than I, O, S, V, Z.",
    ),
    "uscc_check": (
        "统一社会信用代码校验位不符，请核对是否输错",
        "The check character of this unified social credit code does not match; please check for a typo.",
    ),
    "mobile_phone": (
        "请填写11位大陆手机号码",
        "Enter an 11-digit mainland China mobile number.",
    ),
    "unknown_station": ("没有这个服务站点", "There is no such service station."),
    "unknown_item": ("没有这个服务事项", "There is no such service item."),
    "duplicate_item": ("同一事项只需选择一次", "Each service item can be chosen once."),
    "item_or_items": (
        "请选择一个服务事项（item）或多个服务事项（items），二者选一",
        "Give either one service item (item) or several (items), not both.",
    ),
    # whole-request errors
    "validation_failed": (
        "提交的内容有误，请按提示修改",
        "Some fields need correcting; see the messages beside them.",
    ),
    "malformed_json": ("请求内容不是有效的JSON", "The request body is not valid JSON."),
    "too_deeply_nested": (
        "请求内容嵌套超过{depth}层，无法受理",
        "The request body is nested more than {depth} levels deep.",
    ),
    "form_expired": (
        "表单已过期或并非从本站页面提交，请在本页重新提交",
        "This form has expired or was not sent from our page; please submit it again from this page.",
    ),
    "too_many_requests": (
        "尝试次数过多，请{retry_after}秒后再试",
        "Too many attempts; please try again in {retry_after} seconds.",
    ),
    "too_many_submissions": (
        "提交过于频繁，请{retry_after}秒后再试",
        "Too many submissions from here; please try again in {retry_after} seconds.",
    ),
    "bad_idempotency_key": (
        "Idempotency-Key应为1到{max}个可打印的ASCII字符",
        "An Idempotency-Key has 1 to {max} printable ASCII characters.",
    ),
    "idempotency_key_reused": (
        "此Idempotency-Key已用于另一项请求，请为新的请求换用新的键",
        "This Idempotency-Key was used for another request; use a new key for a new request.",
    ),
    "idempotency_key_expired": (
        "此Idempotency-Key已使用超过24小时，不能再用，请换用新的键",
        "This Idempotency-Key was used more than 24 hours ago and cannot be used again; use a new key.",
    ),
    "idempotency_key_in_use": (
        "使用同一Idempotency-Key的请求正在处理，请稍后再试",
        "A request with the same Idempotency-Key is still being answered; try again in a moment.",
    ),
    "form_already_submitted": (
        "这份表单已经提交过，内容不同的新申请请重新打开申请页填写",
        "This form was submitted already; for a new application with other details, open the form again.",
    ),
    "too_many_failed_logins": (
        "登录失败次数过多，请{retry_after}秒后再试",
        "Too many failed sign-ins; please try again in {retry_after} seconds.",
    ),
    "not_an_object": ("请求内容应为JSON对象", "The request body must be a JSON object."),
    "body_too_large": (
        "请求内容超过{limit}字节上限",
        "The request body is larger than the {limit}-byte limit.",
    ),
    "malformed_code": (
        "这不是有效的办件编码（格式：区划代码-日期-序号-校验位）",
        "This is not a request code (format: division-date-sequence-check).",
    ),
    "wrong_check_character": (
        "办件编码校验位不符，请核对是否输错",
        "The check character of this request code does not match; please check for a typo.",
    ),
    "request_not_found": (
        "没有找到与此编码和手机号对应的办件",
        "No request matches this code and phone number.",
    ),
    "job_not_found": ("没有找到这项业务", "There is no such job."),
    "invalid_transition": (
        "当前状态（{current}）下不能执行此操作",
        "This cannot be done while the request is {current}.",
    ),
    "unauthorized": ("请先登录（登录已过期或无效）", "Please sign in (the sign-in is missing, invalid or expired)."),
    "forbidden": ("您的账号无权查看或办理此项", "Your account may not see or do this."),
    "bad_credentials": ("用户名或密码不正确", "Wrong username or password."),
    "stale_request": (
        "该办件刚被他人处理（现为{current}），请查看最新状态后再操作",
        "Someone acted on this request just now (it is now {current}); look at it again before acting.",
    ),
    "unknown_role": ("没有这种角色", "There is no such role."),
    "unknown_domain": ("没有这个业务部门", "There is no such service."),
    "bad_username": ("用户名应为1到64个字符", "A username has 1 to 64 characters."),
    "service_unavailable": (
        "{service}服务暂时无法响应，请稍后重试",
        "The {service} service is not answering; please try again shortly.",
    ),
    "store_unavailable": (
        "{service}服务的数据库暂时无法访问，请稍后重试",
        "The database of the {service} service is not answering; please try again shortly.",
    ),
    "platform_store_unavailable": (
        "平台数据库暂时无法访问，请稍后重试",
        "The platform's database is not answering; please try again shortly.",
    ),
    "command_already_applied": (
        "这项操作此前已经执行（这是一次重复提交），请查看当前状态",
        "This was done already (the same command was sent again); look at how things stand now.",
    ),
    "internal_error": (
        "系统内部错误，已记录，请稍后重试",
        "Internal error; it has been logged. Please try again shortly.",
    ),
    "not_found": ("没有这个地址", "There is nothing at this address."),
    "method_not_allowed": ("此地址不接受这种请求方法", "This address does not take this request method."),
    # laboratory work (metrology, testing)
    "not_a_number": ("此项应为数值", "This field must be a number."),
    "not_a_date": ("此项应为日期（YYYY-MM-DD）", "This field must be a date (YYYY-MM-DD)."),
    "not_a_moment": (
        "此项应为日期或时间（如2026-12-07或2026-12-07T09:30:00+08:00）",
        "This field must be a date or a time (e.g. 2026-12-07 or 2026-12-07T09:30:00+08:00).",
    ),
    "date_too_early": ("日期不能早于{earliest}", "The date cannot be before {earliest}."),
    "date_too_late": ("日期不能晚于{latest}", "The date cannot be after {latest}."),
    "date_before": ("日期不能早于{other}", "The date cannot come before {other}."),
    "date_not_after_calibration": (
        "复校日期应晚于校准日期（{performed_on}）",
        "The recalibration date must follow the calibration ({performed_on}).",
    ),
    "magnitude": ("数值的绝对值不能超过{max}", "The number must be at most {max} in size."),
    "too_precise": ("小数位数不能超过{places}位", "At most {places} decimal places."),
    "pass_with_failed_items": (
        "有检定项目不合格时结论不能为合格", "The conclusion cannot be a pass when an item failed.",
    ),
    "before_adjustment_required": (
        "器具经调整时，每个校准点都应给出调整前的测得值",
        "An adjusted instrument needs the reading before adjustment at every point.",
    ),
    "limit_needs_a_bound": ("限值应给出上限（max）或下限（min）", "A limit needs a max or a min."),
    "nothing_to_change": ("没有需要更正的内容", "Nothing to change was given."),
    "unknown_instrument_type": (
        "强制检定目录中没有这种器具类型", "There is no such instrument type in the verification catalogue.",
    ),
    "no_regulation_for_type": (
        "该器具类型尚无检定规程，请给出所依据的方法",
        "No verification regulation is known for this type; give the method used.",
    ),
    "unknown_reference_standard": ("没有编号为{id}的计量标准", "There is no reference standard {id}."),
    "reference_standard_out_of_tolerance": (
        "计量标准{id}已判定失准，不能使用", "Reference standard {id} is out of tolerance and cannot be used.",
    ),
    "reference_standard_calibration_expired": (
        "计量标准{id}的检定/校准已过期，不能使用",
        "The calibration of reference standard {id} has expired; it cannot be used.",
    ),
    "reviewer_must_differ": (
        "复核人不能是记录结果的人（{operator}）",
        "The results must be reviewed by someone other than who recorded them ({operator}).",
    ),
    "return_needs_reason": ("退回重做时请写明原因", "Say why the results are sent back."),
    "not_a_lab_item": (
        "事项{item}不走实验室检定/检测流程", "Item {item} does not take the laboratory path.",
    ),
    "results_must_cover_instruments": (
        "结果应覆盖申请中的每台器具且不含其他器具（缺少：{missing}；多余或重复：{unknown}）",
        "Results must cover every instrument of the request and no other (missing: {missing}; "
        "unknown or repeated: {unknown}).",
    ),
    "results_must_cover_samples": (
        "每个样品都应有结果，且不能有未接收的样品（缺少：{missing}；未知：{unknown}）",
        "Every sample needs results, and only received samples may have them (missing: {missing}; "
        "unknown: {unknown}).",
    ),
    "recalibration_date_not_requested": (
        "客户未要求给出复校日期，证书上不应给出（器具 {serial_number}）",
        "The customer did not ask for a recalibration date, so none may be given ({serial_number}).",
    ),
    "recalibration_date_requested": (
        "客户要求给出复校日期，请为器具 {serial_number} 填写",
        "The customer asked for a recalibration date; give one for {serial_number}.",
    ),
    "decision_rule_required": (
        "给出限值判定时应写明判定规则", "Give the decision rule when results are judged against limits.",
    ),
    "already_superseded": (
        "{number}已被{superseded_by}替代，只能更正或撤销现行版本",
        "{number} has been superseded by {superseded_by}; only the current version can be changed.",
    ),
    "reference_standard_exists": ("编号{id}的计量标准已登记", "Reference standard {id} is already registered."),
    "check_before_last_good_check": (
        "核查日期早于上次合格核查日期（{last_good_check_on}）",
        "The check is dated before the last good check ({last_good_check_on}).",
    ),
    "concurrent_change": (
        "该记录刚被他人修改，请刷新后重试", "Someone else changed this just now; reload and try again.",
    ),
    # certification and standards (issue 5)
    "date_in_future": ("日期不能晚于今天", "The date cannot be later than today."),
    "date_not_after_today": ("日期应晚于今天", "The date must be later than today."),
    "suspension_too_long": ("暂停期不能超过{months}个月", "A suspension lasts at most {months} months."),
    "scope_or_sites_required": (
        "请给出缩小后的认证范围或保留的场所", "Give the narrowed scope or the sites that remain.",
    ),
    "not_a_standard_number": (
        "这不是有效的标准编号（如 GB/T 19001-2016）", "This is not a standard number (e.g. GB/T 19001-2016).",
    ),
    "dated_number_required": (
        "请给出带年代号的标准编号（如 GB/T 19001-2016）",
        "Give the number with its year (e.g. GB/T 19001-2016).",
    ),
    "not_a_sha256": ("应为64位十六进制SHA-256摘要", "Must be a SHA-256 digest: 64 hexadecimal characters."),
    "document_not_found": (
        "没有这个编号的证书或报告，请核对编号；查无此号的证书或报告可能不是本平台出具的",
        "No certificate or report has this number; check it. One that is not found was not issued here.",
    ),
    "instrument_type_not_found": ("没有这种器具类型", "There is no such instrument type."),
    "reference_standard_not_found": ("没有这个计量标准", "There is no such reference standard."),
    "instrument_not_found": ("器具档案中没有这台器具", "This instrument is not in the instrument file."),
    "enterprise_not_found": (
        "没有找到与此信用代码和手机号对应的办件",
        "No request matches this credit code and phone number.",
    ),
    "no_due_reminder": (
        "这台器具目前没有到期提醒，无需申请周期检定",
        "This instrument has no due reminder; no renewal is needed yet.",
    ),
    "renewal_in_progress": (
        "这台器具的检定申请正在提交，请稍后查看", "A renewal for this instrument is being submitted; look again shortly.",
    ),
    # what a verification says of a certificate or report
    "certificate_status.current": ("现行有效", "Current"),
    "certificate_status.superseded": ("已被更正版本替代", "Superseded by a corrected version"),
    "certificate_status.withdrawn": ("撤销", "Withdrawn"),
    "standard_not_found": ("标准目录中没有这个标准", "This standard is not in the catalogue."),
    "standard_exists": ("该标准已在目录中", "This standard is already in the catalogue."),
    "unknown_replacement": (
        "替代标准应是目录中现行的另一标准，请先将其加入目录",
        "The replacement must be another current standard of the catalogue; add it first.",
    ),
    "flagged_references": (
        "引用了已被代替或废止的标准，不能通过，请要求企业修改",
        "It cites superseded or withdrawn standards, so it cannot be approved; ask for changes.",
    ),
    "audit_incomplete": (
        "审核尚未完成：前一审核步骤缺失或未通过",
        "The audit is not complete: an earlier step is missing or did not clear the way.",
    ),
    "grant_not_supported": (
        "审核结论不支持颁发证书（未推荐认证、存在严重不符合或检验检查未通过）",
        "The audit results do not support a grant (not recommended, a major nonconformity, or a failed check).",
    ),
    "recertification_not_due": (
        "再认证在证书有效期的最后一年内进行，现在还不到时候",
        "Recertification is audited in the last year before expiry; it is too early.",
    ),
    "surveillance_outstanding": (
        "本周期还有监督审核未完成，不能再认证",
        "A surveillance audit of this cycle is still outstanding, so it cannot be recertified.",
    ),
    "no_surveillance_planned": (
        "本周期的监督审核已全部完成，下一步是再认证",
        "Every surveillance audit of this cycle is done; recertification comes next.",
    ),
    "date_out_of_range": (
        "日期不在允许范围内（不能晚于今天、早于前一步骤，暂停期不超过6个月）",
        "The date is out of range (not after today nor before the previous step; suspensions at most 6 months).",
    ),
    "scope_not_reduced": (
        "缩小范围应收窄认证范围或减少场所，且不能增加场所、不能删去全部场所",
        "A reduction must narrow the scope or drop sites, without adding any or dropping all.",
    ),
    "standard_state.current": ("现行", "In force"),
    "standard_state.upcoming": ("即将实施", "Published, not yet in force"),
    "standard_state.superseded": ("被代替", "Superseded"),
    "standard_state.withdrawn": ("废止", "Withdrawn"),
    "certificate_status.valid": ("有效", "Valid"),
    "certificate_status.suspended": ("暂停", "Suspended"),
    "certificate_status.expired": ("过期失效", "Expired"),
    "notice.standard_superseded": (
        "您关注的标准 {number} 已被 {replaced_by} 代替，请及时转换",
        "{number}, a standard you follow, has been superseded by {replaced_by}; please move to it.",
    ),
    "notice.standard_withdrawn": (
        "您关注的标准 {number} 已废止，请停止引用",
        "{number}, a standard you follow, has been withdrawn; please stop citing it.",
    ),
    "event.application_accepted": ("认证申请评审通过，安排审核", "Application reviewed; audit to be arranged"),
    "event.application_not_accepted": ("认证申请未予受理：{reason}", "Application not accepted: {reason}"),
    "event.stage1_audit_recorded": ("完成第一阶段审核（{conducted_on}）", "Stage 1 audit done ({conducted_on})"),
    "event.stage2_audit_recorded": ("完成第二阶段审核（{conducted_on}）", "Stage 2 audit done ({conducted_on})"),
    "event.type_test_recorded": ("完成型式试验（{conducted_on}）", "Type test done ({conducted_on})"),
    "event.factory_inspection_recorded": ("完成工厂检查（{conducted_on}）", "Factory inspection done ({conducted_on})"),
    "event.certification_refused": ("认证决定：不予认证（{reason}）", "Decision: certification refused ({reason})"),
    "event.certificate_granted": (
        "颁发认证证书 {certificate_number}，有效期至 {valid_until}",
        "Certificate {certificate_number} granted, valid until {valid_until}",
    ),
    "event.verification_answered": ("证书 {certificate_number} 核验完成", "Certificate {certificate_number} checked"),
    "event.surveillance_due": (
        "证书 {certificate_number} 第{visit}次监督审核应于 {due} 前完成",
        "Surveillance audit {visit} of certificate {certificate_number} is due by {due}",
    ),
    "event.surveillance_overdue": (
        "证书 {certificate_number} 第{visit}次监督审核已逾期（应于 {due} 前完成）",
        "Surveillance audit {visit} of certificate {certificate_number} is overdue (due by {due})",
    ),
    "event.surveillance_completed": (
        "证书 {certificate_number} 第{visit}次监督审核完成（{conducted_on}）",
        "Surveillance audit {visit} of certificate {certificate_number} done ({conducted_on})",
    ),
    "event.certificate_suspended": (
        "证书 {certificate_number} 暂停至 {until}：{reason}",
        "Certificate {certificate_number} suspended until {until}: {reason}",
    ),
    "event.certificate_restored": ("证书 {certificate_number} 恢复有效", "Certificate {certificate_number} restored"),
    "event.certificate_withdrawn": ("证书 {certificate_number} 已撤销", "Certificate {certificate_number} withdrawn"),
    "event.certificate_scope_reduced": (
        "证书 {certificate_number} 认证范围缩小", "Scope of certificate {certificate_number} reduced",
    ),
    "event.certificate_expired": (
        "证书 {certificate_number} 有效期至 {valid_until}，已过期",
        "Certificate {certificate_number} expired after {valid_until}",
    ),
    "event.certificate_renewed": (
        "证书 {certificate_number} 再认证通过，有效期延至 {valid_until}",
        "Certificate {certificate_number} recertified, valid until {valid_until}",
    ),
    "event.standard_flagged": (
        "所引用的标准 {number} 已被代替或废止，请核查",
        "{number}, a standard this work cites, was superseded or withdrawn; please check",
    ),
    "event.lookup_answered": ("已从标准目录答复（{count}项）", "Answered from the standards catalogue ({count} found)"),
    "event.lookup_unmatched": ("标准目录中未找到，转人工解答", "Not in the catalogue; passed to staff to answer"),
    "event.references_checked": ("已核查引用标准{checked}项", "{checked} cited standards checked"),
    "event.declaration_reviewed": ("企业标准自我声明审查完成", "Self-declaration reviewed"),
    "event.question_answered": ("已书面答复", "Answered in writing"),
    # request statuses (DESIGN §4)
    "status.submitted": ("已提交", "Submitted"),
    "status.accepted": ("已受理", "Accepted"),
    "status.rejected": ("不予受理", "Rejected"),
    "status.dispatched": ("已分派", "Dispatched"),
    "status.in_progress": ("办理中", "In progress"),
    "status.awaiting_enterprise": ("待补正", "Awaiting your material"),
    "status.completed": ("已办结", "Completed"),
    "status.rated": ("已评价", "Rated"),
    "status.cancelled": ("已撤回", "Cancelled"),
    # timeline events
    "event.submitted": ("企业提交申请", "Request submitted"),
    "event.accepted": ("服务站受理", "Accepted by the station"),
    "event.dispatched": ("分派至{to}", "Dispatched to {to}"),
    "event.job_accepted": ("业务部门接收", "Received by the service"),
    "event.rejected": ("不予受理", "Not accepted by the station"),
    "event.awaiting_enterprise": ("服务站请企业补正材料", "The station asked for more material"),
    "event.supplemented": ("企业已补正", "The enterprise supplied the material"),
    "event.reassigned": ("由{from_station}转至{to_station}", "Moved from {from_station} to {to_station}"),
    "event.cancelled": ("企业撤回申请", "Withdrawn by the enterprise"),
    "event.job_declined": ("业务部门退回服务站", "Declined by the service, back to the station"),
    "event.certificate_issued": ("出具证书 {certificate_number}", "Certificate {certificate_number} issued"),
    "event.samples_received": ("实验室接收样品", "Samples received by the laboratory"),
    "event.job_started": ("实验室开始办理", "The laboratory started work"),
    "event.results_recorded": ("已记录检定/校准/检测结果", "Results recorded"),
    "event.results_reviewed": ("结果已复核", "Results reviewed"),
    "event.results_returned": ("复核退回，重新记录结果", "Results sent back by the reviewer"),
    "event.failure_notice_issued": (
        "出具检定结果通知书 {certificate_number}（不合格）",
        "Verification failure notice {certificate_number} issued",
    ),
    "event.report_issued": ("出具报告 {report_number}", "Report {report_number} issued"),
    "event.job_completed": ("办结", "Completed"),
    "event.certificate_corrected": (
        "证书 {replaces} 更正为 {certificate_number}", "Certificate {replaces} corrected by {certificate_number}",
    ),
    "event.report_amended": ("报告 {replaces} 更正为 {report_number}", "Report {replaces} amended by {report_number}"),
    "event.report_withdrawn": ("报告 {report_number} 已撤销", "Report {report_number} withdrawn"),
    "event.calibration_due": (
        "器具 {serial_number} 检定有效期至 {valid_until}，请及时申请周期检定（还剩{days_left}天）",
        "Instrument {serial_number} is verified until {valid_until}; apply for its next verification "
        "({days_left} days left)",
    ),
    # who acted
    "role.enterprise": ("企业", "Enterprise"),
    "role.system": ("系统自动", "Automatic"),
    "role.staff": ("服务站", "Station"),
    "role.operator": ("业务部门", "Service"),
    "role.manager": ("管理部门", "Manager"),
    "role.admin": ("系统管理员", "Administrator"),
    "role.station": ("服务站", "Station"),
    "role.metrology": ("计量部门", "Metrology"),
    "role.standards": ("标准部门", "Standards"),
    "role.certification": ("认证部门", "Certification"),
    "role.testing": ("检验检测部门", "Testing"),
    "domain.metrology": ("计量", "Metrology"),
    "domain.standards": ("标准", "Standards"),
    "domain.certification": ("认证认可", "Certification"),
    "domain.testing": ("检验检测", "Testing"),
    "holder.none": ("已办结", "Finished"),
}

# Text of the web pages (page.*), kept with the rest so both languages stay complete.
MESSAGES.update({
    "page.title": ("质量基础设施“一站式”服务平台", "Quality Infrastructure One-Stop Service"),
    "page.city": ("宿迁市", "Suqian"),
    "page.switch_language": ("English", "中文"),
    "page.nav.apply": ("办事申请", "Apply"),
    "page.nav.track": ("办件查询", "Track a request"),
    "page.nav.api": ("接口文档", "API"),
    "page.skip": ("跳到主要内容", "Skip to content"),
    "page.footer": (
        "计量、标准、认证认可、检验检测服务一表申请，统一编码，全程可查。",
        "Metrology, standards, certification and testing through one form, one code, tracked end to end.",
    ),
    "page.index.heading": ("选择服务事项", "Choose the services you need"),
    "page.index.intro": (
        "可同时选择多个事项，一次填写、一次提交（一表申请）。每个事项都会生成自己的办件编码。",
        "You may choose several items and fill in one form for all of them. Each item gets its own request code.",
    ),
    "page.index.committed": ("承诺时限：{days}个工作日", "Committed time: {days} working days"),
    "page.index.materials": ("需携带材料（一次性告知）", "What to bring (told once, in full)"),
    "page.index.next": ("下一步：填写申请表", "Next: fill in the form"),
    "page.index.none_chosen": ("请至少选择一个服务事项", "Choose at least one service item"),
    "page.index.chosen": ("已选择 {count} 项", "{count} chosen"),
    "page.apply.heading": ("填写申请表", "Application form"),
    "page.apply.change_items": ("重新选择事项", "Change the items"),
    "page.apply.errors": ("提交的内容有误，请按提示修改（共{count}处）", "{count} fields need correcting; see the messages beside them."),
    "page.apply.enterprise": ("企业信息", "Enterprise"),
    "page.apply.contact": ("联系人", "Contact person"),
    "page.apply.enterprise.name": ("企业名称", "Enterprise name"),
    "page.apply.enterprise.uscc": ("统一社会信用代码", "Unified social credit code"),
    "page.apply.enterprise.uscc_help": ("18位，见营业执照", "18 characters, on the business licence"),
    "page.apply.enterprise.station": ("办理服务站", "Service station"),
    "page.apply.choose": ("请选择", "Choose…"),
    "page.apply.contact.name": ("姓名", "Name"),
    "page.apply.contact.phone": ("手机号码", "Mobile phone"),
    "page.apply.contact.phone_help": ("用于查询办件进度和接收通知", "Used to track the request and receive notices"),
    "page.apply.required": ("必填", "required"),
    "page.apply.optional": ("选填", "optional"),
    "page.apply.row": ("第{number}项", "Entry {number}"),
    "page.apply.add_row": ("增加一行", "Add a row"),
    "page.apply.remove_row": ("删除此行", "Remove this row"),
    "page.apply.submit": ("提交申请", "Submit"),
    "page.apply.committed": ("承诺时限{days}个工作日", "{days} working days"),
    "page.confirm.heading": ("申请已提交", "Your request has been submitted"),
    "page.confirm.code": ("办件编码", "Request code"),
    "page.confirm.children": ("各事项的办件编码", "The code of each item"),
    "page.confirm.keep": (
        "请记下办件编码；凭编码和联系人手机号码可随时查询进度。扫描二维码可直接打开查询页。",
        "Keep the request code: with it and the contact phone you can follow the request at any time. The QR code opens the tracking page.",
    ),
    "page.confirm.due_rule": (
        "办理时限自服务站受理之日起按工作日计算（周末和法定节假日顺延）：{items}。",
        "The committed time counts working days from the day the station accepts the request (weekends and public holidays excluded): {items}.",
    ),
    "page.confirm.next": ("接下来", "What happens next"),
    "page.confirm.step1": ("服务站工作人员审核申请和材料，受理或告知需补正的内容。", "Station staff check the request and materials, then accept it or tell you what is missing."),
    "page.confirm.step2": ("受理后分派至相应业务部门办理，进度可在查询页看到。", "Once accepted it goes to the service that does the work; its progress shows on the tracking page."),
    "page.confirm.step3": ("办结后可领取证书或报告，并对服务进行评价。", "When it is done you receive the certificate or report and can rate the service."),
    "page.confirm.bring": ("请携带以下材料到服务站", "Please bring to the station"),
    "page.confirm.track": ("查询办件进度", "Track this request"),
    "page.track.heading": ("办件查询", "Track a request"),
    "page.track.code": ("办件编码", "Request code"),
    "page.track.code_help": ("如：321322-20261126-00001-6", "e.g. 321322-20261126-00001-6"),
    "page.track.phone": ("联系人手机号码", "Contact phone"),
    "page.track.submit": ("查询", "Look up"),
    "page.track.status": ("当前状态", "Status"),
    "page.track.holder": ("当前办理方", "Now with"),
    "page.track.due": ("承诺办结日期", "Committed completion date"),
    "page.track.due_unknown": ("受理后确定", "Set when the station accepts"),
    "page.track.result": ("办理结果", "Result"),
    "page.track.certificate": ("证书编号", "Certificate number"),
    "page.track.timeline": ("办理过程", "History"),
    "page.track.when": ("时间", "When"),
    "page.track.who": ("办理方", "Who"),
    "page.track.what": ("事项", "What"),
    "page.track.children": ("包含的办件", "Requests in this submission"),
    "page.track.parent": ("所属一表申请", "Part of submission"),
    "page.track.item": ("服务事项", "Service item"),
    "page.track.station": ("服务站", "Station"),
    "page.docs.heading": ("接口文档（API v1）", "API documentation (v1)"),
    "page.docs.intro": (
        "机器可读的 OpenAPI 3 文档：{url}",
        "Machine-readable OpenAPI 3 document: {url}",
    ),
    "page.docs.operator": ("需业务人员凭证", "operator key required"),
    "page.not_found": ("页面不存在", "Page not found"),
    "page.nav.staff": ("工作台", "Staff console"),
    "page.nav.verify": ("证书核验", "Verify a certificate"),
    "page.verify.heading": ("证书报告真伪核验", "Is this certificate or report genuine?"),
    "page.verify.intro": (
        "输入证书或报告编号，查看出具机构登记的状态：是否真实、现行有效、已被替代或已撤销。",
        "Type the number printed on the certificate or report to see what its issuer records: genuine, in force, superseded or withdrawn.",
    ),
    "page.verify.number": ("证书或报告编号", "Certificate or report number"),
    "page.verify.number_help": ("如：SQJL-2026-000001、SQJC-2026-000001、SQRZ-2026-000001", "e.g. SQJL-2026-000001, SQJC-2026-000001, SQRZ-2026-000001"),
    "page.verify.submit": ("核验", "Verify"),
    "page.verify.title": ("类型", "Kind"),
    "page.verify.issuer": ("出具机构", "Issued by"),
    "page.verify.issued_on": ("出具日期", "Issued on"),
    "page.verify.customer": ("委托方/持有人", "Customer or holder"),
    "page.verify.conclusion": ("结论", "Conclusion"),
    "page.verify.valid_until": ("有效期至", "Valid until"),
    "page.verify.superseded_by": ("已被替代为", "Superseded by"),
    "page.verify.replaces": ("替代", "Replaces"),
    "page.verify.withdrawn_on": ("撤销日期", "Withdrawn on"),
    "page.verify.subject": ("对象", "Item"),
    "page.verify.private": ("仅显示核验所需信息，不显示联系人和检测数据。", "Only what a verifier needs is shown: no contacts and no test data."),
    "page.staff.login": ("工作人员登录", "Staff sign-in"),
    "page.staff.username": ("用户名", "Username"),
    "page.staff.password": ("密码", "Password"),
    "page.staff.sign_in": ("登录", "Sign in"),
    "page.staff.sign_out": ("退出", "Sign out"),
    "page.staff.signed_in_as": ("{name}（{role}）", "{name} ({role})"),
    "page.staff.queue": ("{station} 办件队列", "{station}: queue"),
    "page.staff.filter": ("筛选", "Filter"),
    "page.staff.all": ("全部", "All"),
    "page.staff.open": ("待办（未办结）", "Open"),
    "page.staff.due_soon": ("即将到期", "Due soon"),
    "page.staff.overdue": ("已超期", "Overdue"),
    "page.staff.station": ("服务站", "Station"),
    "page.staff.status": ("状态", "Status"),
    "page.staff.item": ("事项", "Item"),
    "page.staff.domain": ("业务部门", "Service"),
    "page.staff.due": ("期限", "Due"),
    "page.staff.count": ("数量", "Count"),
    "page.staff.empty": ("没有符合条件的办件", "No requests match."),
    "page.staff.showing": ("第{first}–{last}件，共{total}件", "{first}–{last} of {total}"),
    "page.staff.previous": ("上一页", "Previous"),
    "page.staff.next": ("下一页", "Next"),
    "page.staff.submitted_at": ("提交时间", "Submitted"),
    "page.staff.enterprise": ("企业", "Enterprise"),
    "page.staff.contact": ("联系人", "Contact"),
    "page.staff.details": ("申请内容", "What was asked for"),
    "page.staff.audit": ("办理记录（不可修改）", "Audit trail (cannot be edited)"),
    "page.staff.from_to": ("{from_status} → {to_status}", "{from_status} → {to_status}"),
    "page.staff.actions": ("办理", "Act"),
    "page.staff.accept": ("受理", "Accept"),
    "page.staff.reject": ("不予受理", "Reject"),
    "page.staff.reason": ("理由", "Reason"),
    "page.staff.request_material": ("一次性告知补正", "Ask for missing material"),
    "page.staff.note": ("需补正的材料", "What is missing"),
    "page.staff.dispatch": ("分派至{domain}", "Dispatch to {domain}"),
    "page.staff.reassign": ("转其他服务站", "Move to another station"),
    "page.staff.to_station": ("转至", "To"),
    "page.staff.waiting": ("等待企业补正：{note}", "Waiting for the enterprise: {note}"),
    "page.staff.answered": ("企业补正：{answer}", "The enterprise answered: {answer}"),
    "page.staff.done": ("已完成：{step}", "Done: {step}"),
    "page.staff.read_only": ("只读：管理人员可查看，不能办理", "Read only: managers can look but not act"),
    "page.staff.back": ("返回队列", "Back to the queue"),
    "page.staff.no_action": ("当前状态下服务站无需办理", "Nothing for the station to do in this status"),
    "page.track.material": ("服务站请您补正：{note}", "The station asks you for: {note}"),
    "page.track.answer": ("补正内容", "Your answer"),
    "page.track.send_answer": ("提交补正", "Send"),
    "page.track.cancel": ("撤回申请", "Withdraw the request"),
    "page.track.cancel_reason": ("撤回原因（选填）", "Why (optional)"),
    "page.track.answered": ("已提交补正，服务站将继续办理", "Thank you: the station will carry on."),
    "page.track.cancelled": ("申请已撤回", "The request has been withdrawn."),
    "csrf_failed": ("页面已过期，请刷新后重试", "This page has expired; reload it and try again."),
    "page.back_home": ("返回首页", "Back to the start"),
})


# Service levels (issue 7): the clock's alerts, 好差评 and the managers' dashboard.
MESSAGES.update({
    "period_order": ("结束日期不能早于开始日期", "The end date cannot be before the start date."),
    "period_too_long": ("查询期间不能超过{days}天", "A period is at most {days} days."),
    "event.sla_at_risk": ("今天是承诺办结日（{due}），即将超期", "Due today ({due}): at risk of running late"),
    "event.sla_breached": ("已超过承诺办结日期（{due}）", "Past the committed completion date ({due})"),
    "event.rated": ("企业评价：{level}分（满分5分）", "Rated {level} out of 5 by the enterprise"),
    "event.rectification_answered": ("服务站答复差评整改", "The station answered the poor rating"),
    "rating.1": ("非常不满意", "Very dissatisfied"),
    "rating.2": ("不满意", "Dissatisfied"),
    "rating.3": ("基本满意", "Fairly satisfied"),
    "rating.4": ("满意", "Satisfied"),
    "rating.5": ("非常满意", "Very satisfied"),
    "metric.group": ("分组", "Group"),
    "metric.total": ("合计", "Total"),
    "metric.submitted": ("申请量", "Submitted"),
    "metric.accepted": ("受理量", "Accepted"),
    "metric.rejected": ("不予受理", "Rejected"),
    "metric.cancelled": ("撤回", "Cancelled"),
    "metric.dispatched": ("分派量", "Dispatched"),
    "metric.material_requested": ("补正次数", "Material requested"),
    "metric.completed": ("办结量", "Completed"),
    "metric.completed_on_time": ("按期办结", "Completed on time"),
    "metric.on_time_rate": ("按期办结率", "On-time rate"),
    "metric.turnaround_p50": ("办理用时中位数（工作日）", "Median turnaround (working days)"),
    "metric.turnaround_p90": ("办理用时P90（工作日）", "90th percentile turnaround (working days)"),
    "metric.acceptance_wait_hours": ("平均受理等待（小时）", "Mean wait for acceptance (hours)"),
    "metric.rated": ("评价数", "Rated"),
    "metric.rated_share": ("参评率", "Share rated"),
    "metric.satisfaction_rate": ("满意率", "Satisfaction rate"),
    "metric.rectifications_opened": ("差评数", "Poor ratings"),
    "metric.rectifications_answered": ("已整改", "Rectified"),
    "metric.rectification_rate": ("差评整改率", "Rectification rate"),
    "metric.sla_at_risk": ("临期预警", "At-risk alerts"),
    "metric.sla_breached": ("超期", "Breaches"),
    "metric.backlog": ("在办量（当前）", "Backlog (now)"),
    "metric.overdue_now": ("当前超期", "Overdue now"),
    "page.dashboard.heading": ("服务监测", "Service levels"),
    "page.dashboard.from": ("开始日期", "From"),
    "page.dashboard.to": ("结束日期", "To"),
    "page.dashboard.city_wide": ("全市", "City-wide"),
    "page.dashboard.period": ("统计期间 {first} 至 {last}；在办和超期为截至 {today} 的数据。",
                              "From {first} to {last}; backlog and overdue as of {today}."),
    "page.dashboard.export": ("导出CSV（按服务站）", "Export CSV (by station)"),
    "page.dashboard.summary": ("主要指标", "Key figures"),
    "page.dashboard.trend": ("每日申请量与办结量", "Submitted and completed per day"),
    "page.dashboard.funnel": ("办理漏斗：申请 → 受理 → 分派 → 办结", "Funnel: submitted → accepted → dispatched → completed"),
    "page.dashboard.on_time": ("各服务站按期办结率", "On-time completion by station"),
    "page.dashboard.turnaround": ("各事项办理用时（工作日）", "Turnaround by item (working days)"),
    "page.dashboard.satisfaction": ("好差评", "Ratings"),
    "page.dashboard.satisfaction_summary": (
        "办结{completed}件，评价{rated}件（参评率{share}），满意率{good}；差评{opened}件，已整改{answered}件。",
        "{completed} completed, {rated} rated ({share}); {good} satisfied; {opened} poor ratings, {answered} answered.",
    ),
    "page.dashboard.ratings": ("评价分布", "Ratings by level"),
    "page.dashboard.p50": ("中位数", "Median"),
    "page.dashboard.p90": ("P90（90%在此之内）", "90th percentile"),
    "page.dashboard.by_station": ("分服务站", "By station"),
    "page.dashboard.overdue": ("超期办件（{count}件）", "Overdue requests ({count})"),
    "page.dashboard.late": ("超期", "Late by"),
    "page.dashboard.working_days": ("{days}个工作日", "{days} working days"),
    "page.dashboard.none_overdue": ("当前没有超期办件", "No request is overdue."),
    "page.dashboard.nothing": ("本期间没有数据", "Nothing in this period."),
    "page.staff.queue_link": ("办件队列", "Queue"),
    "page.staff.rating": ("企业评价", "The enterprise's rating"),
    "page.staff.rectifications": ("待整改的差评（{count}件）", "Poor ratings to answer ({count})"),
    "page.staff.rectification_answer": ("整改情况", "What was found and changed"),
    "page.staff.answer_rectification": ("提交整改答复", "Send the answer"),
    "page.track.completed_at": ("办结时间", "Completed"),
    "page.track.turnaround": ("用时{days}个工作日", "took {days} working days"),
    "page.track.on_time": ("按期", "on time"),
    "page.track.late": ("超期", "late"),
    "page.track.rate": ("评价本次服务（好差评）", "Rate this service"),
    "page.track.rate_level": ("满意程度", "How satisfied are you?"),
    "page.track.rate_comment": ("意见建议（选填）", "Comments (optional)"),
    "page.track.rate_submit": ("提交评价", "Send the rating"),
    "page.track.rate_missing": ("请选择满意程度", "Choose how satisfied you are."),
    "page.track.rate_refused": ("办结后才能评价，且每个办件只能评价一次", "A request can be rated once, after it is completed."),
    "page.track.rating_saved": ("感谢您的评价", "Thank you for your rating."),
    "page.track.rated": ("您的评价：{level}", "Your rating: {level}"),
    "page.track.rectification_open": ("服务站正在核实整改，答复将显示在这里", "The station is looking into it; its answer will show here."),
    "page.track.rectification_answer": ("服务站整改答复：{answer}", "The station's answer: {answer}"),
})


# The working-day calendar (issue 24): provisional years, loading the official schedule.
MESSAGES.update({
    "page.due.provisional": ("（暂定）", "(provisional)"),
    "page.due.provisional_title": (
        "该日期所跨年度的国务院放假安排尚未公布，暂按法定节假日推算，公布后可能调整",
        "The State Council has not yet published the holiday schedule of a year this date counts in; it is "
        "counted on the statutory holidays for now and may move once the schedule is out.",
    ),
    "event.due_date_changed": (
        "{year}年放假安排正式载入，承诺办结日期由{due_from}调整为{due_to}",
        "The official {year} holiday schedule was loaded: the committed date moved from {due_from} to {due_to}",
    ),
    "calendar_next_year_missing": (
        "{year}年放假安排（国务院办公厅通知）尚未载入，跨入{year}年的承诺办结日期均为暂定；公布后请管理员及时载入",
        "The official {year} holiday schedule (the State Council's notice) is not loaded: due dates reaching "
        "into {year} are provisional. An admin should load it as soon as it is published.",
    ),
    "page.dashboard.calendar_link": ("查看{year}年工作日历", "See the {year} calendar"),
    "calendar.provisional_notice": (
        "按《全国年节及纪念日放假办法》（2024年修订）推算：含节日逢周末的补假，不含调休上班；"
        "以国务院办公厅公布的当年放假安排为准",
        "Computed from the statutory rules (as amended in 2024): in-lieu days for holidays on a weekend, no "
        "swapped working days; the State Council's schedule for the year replaces it",
    ),
    "calendar_date_outside_year": ("日期应在{year}年内", "Each date must fall in {year}."),
    "calendar_duplicate_date": ("{date}重复列出", "{date} is listed more than once."),
    "calendar_holiday_and_workday": (
        "{date}已列为放假日，不能同时为调休上班日",
        "{date} is a holiday in this schedule; it cannot also be a make-up working day.",
    ),
    "calendar_workday_not_weekend": (
        "调休上班日应为周六或周日，{date}不是", "A make-up working day is a Saturday or Sunday; {date} is not.",
    ),
    "calendar_statutory_missing": (
        "缺少法定节假日：{dates}（法定节假日都应放假，请核对年份和日期）",
        "Statutory holidays are missing: {dates} (each is a day off; check the year and the dates).",
    ),
})


def message(key, lang=DEFAULT_LANGUAGE, **params):
    """The sentence for ``key`` (optionally ``key|name=value;...``) in ``lang``."""
    name, _, encoded = key.partition("|")
    if name not in MESSAGES:
        return key  # already a sentence (never hide a message because it lacks a key)
    for pair in filter(None, encoded.split(";")):
        param, _, value = pair.partition("=")
        params.setdefault(param, value)
    text = MESSAGES[name][LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    try:
        return text.format(**params)
    except KeyError:
        return text


def localize(errors, lang):
    """Translate marshmallow's nested error structure, keeping its shape."""
    if isinstance(errors, dict):
        return {str(field): localize(value, lang) for field, value in errors.items()}
    if isinstance(errors, list):
        return [localize(value, lang) for value in errors]
    return message(errors, lang)


def negotiate_language(query_lang=None, accept_language=None):
    """``?lang=`` wins; otherwise Accept-Language; otherwise Chinese."""
    for candidate in (query_lang, accept_language):
        if candidate:
            first = candidate.split(",")[0].strip().lower()
            if first.startswith("en"):
                return "en"
            if first.startswith("zh"):
                return "zh-CN"
    return DEFAULT_LANGUAGE
