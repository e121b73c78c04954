"""Every message a user can read, in zh-CN (first) and English.

Schemas and handlers speak in message keys (``"too_long|max=100"``: a key, then
parameters); :func:`localize` turns them into sentences in the user's language at the
edge, so the page and the API say exactly the same thing.
"""

import string

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
    "too_long": ("不能超过{max}个字符", "At most {max} {max:plural:character|characters}."),
    "range": ("应在{min}到{max}之间", "Must be between {min} and {max}."),
    "at_least": ("不能小于{min}", "Must be at least {min}."),
    "at_most": ("不能大于{max}", "Must be at most {max}."),
    "count": ("应填写{min}到{max}项", "Give between {min} and {max} {max:plural:entry|entries}."),
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
    "email_address": ("请填写有效的电子邮箱地址", "Enter a valid e-mail address."),
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
        "Too many attempts; please try again in {retry_after} {retry_after:plural:second|seconds}.",
    ),
    "too_many_submissions": (
        "提交过于频繁，请{retry_after}秒后再试",
        "Too many submissions from here; please try again in {retry_after} {retry_after:plural:second|seconds}.",
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
        "Too many failed sign-ins; please try again in {retry_after} {retry_after:plural:second|seconds}.",
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
        "This cannot be done in the current state ({current}).",
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
    "coverage_probability_required": (
        "包含因子 k 不为 2 时应给出包含概率（coverage_probability）",
        "Give the coverage probability (coverage_probability) when the coverage factor k is not 2.",
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
    "suspension_too_long": ("暂停期不能超过{months}个月", "A suspension lasts at most {months} {months:plural:month|months}."),
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
        "没有找到该企业在本平台办理的、出具这份证书的办件",
        "The request of this enterprise that led to this certificate is not on the platform.",
    ),
    # enterprise accounts (issue 26 §1)
    "account_exists": (
        "该统一社会信用代码已有企业账户（待核验或已核验），请直接登录或到服务站咨询",
        "This credit code has an enterprise account already (pending or verified): sign in, or ask at the station.",
    ),
    "enterprise_account_not_found": ("没有这个统一社会信用代码的企业账户", "No enterprise account has this credit code."),
    "account_not_verified": (
        "企业账户尚未通过核验，暂不能登录：请携营业执照到注册时选择的服务站核验",
        "This enterprise account has not been verified and cannot sign in yet: show the business licence at "
        "the station chosen when registering.",
    ),
    "password_too_short": ("密码至少{min}位", "At least {min} {min:plural:character|characters}."),
    "passwords_differ": ("两次输入的密码不一致", "The two passwords differ."),
    "licence_not_checked_field": (
        "核验通过前，须核对营业执照上的统一社会信用代码和企业名称（两项都勾选）",
        "Before verifying, check both the credit code and the name on the business licence (tick both).",
    ),
    "licence_not_checked": (
        "核验通过前须核对营业执照：{checks}", "Check the business licence before verifying: {checks}.",
    ),
    "refusal_needs_note": ("不予通过须写明理由", "A refusal needs a note saying why."),
    "registration.next_step": (
        "账户待核验：请携营业执照原件到{station}核验，核验通过后即可用统一社会信用代码和密码登录。",
        "Your account is pending: show the original business licence at {station}. Once it is verified, sign "
        "in with the credit code and your password.",
    ),
    "account_state.pending": ("待核验", "pending verification"),
    "account_state.verified": ("已核验", "verified"),
    "account_state.refused": ("核验未通过", "refused"),
    "account_decision.verify": ("核验通过", "verified"),
    "account_decision.refuse": ("不予通过", "refused"),
    "licence_check.licence_uscc": (
        "营业执照上的统一社会信用代码与申请一致", "The credit code on the business licence is this one",
    ),
    "licence_check.licence_name": ("营业执照上的企业名称与申请一致", "The name on the business licence is this one"),
    "no_due_reminder": (
        "这台器具目前没有到期提醒，无需申请周期检定",
        "This instrument has no due reminder; no renewal is needed yet.",
    ),
    "renewal_in_progress": (
        "这台器具的检定申请正在提交，请稍后查看", "A renewal for this instrument is being submitted; look again shortly.",
    ),
    # what a verification says of a certificate or report
    "file_too_large": ("文件超过 {limit} 字节的上限", "The file is over the limit of {limit} bytes."),
    "malformed_form": ("表单无法解析，请以 multipart/form-data 上传文件", "The form cannot be read; upload the file as multipart/form-data."),
    "file_check.altered": ("文件已被改动或损坏：签名与内容不符", "The file was changed or damaged: its signature does not match it."),
    "file_check.not_signed": ("文件没有平台的签名（DCC 请上传签名文件 .signed.xml）",
                              "The file carries no signature of the platform (for a DCC, upload the .signed.xml file)."),
    "file_check.not_ours": ("文件的签名不是本平台的签发密钥", "The file is signed, but not by the platform's issuing key."),
    "file_check.unsupported_file": ("只能核验本平台签发的 PDF 或签名 DCC（XML）文件",
                                    "Only PDF files and signed DCC (XML) files the platform issued can be checked."),
    "file_check.not_a_dcc": ("签名文件中没有 DCC", "The signed file holds no DCC."),
    "file_check.unknown_document": ("签名有效，但平台没有这份文件的记录", "The signature holds, but the platform has no record of this document."),
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
    "event.references_checked": ("已核查引用标准{checked}项", "{checked} cited {checked:plural:standard|standards} checked"),
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
        "({days_left} {days_left:plural:day|days} left)",
    ),
    # who acted
    "role.enterprise": ("企业", "Enterprise"),
    "flag.not_from_account": ("非企业账户提交", "not from the enterprise's account"),
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
    "page.index.committed": ("承诺时限：{days}个工作日", "Committed time: {days} working {days:plural:day|days}"),
    "page.index.materials": ("需携带材料（一次性告知）", "What to bring (told once, in full)"),
    "page.index.next": ("下一步：填写申请表", "Next: fill in the form"),
    "page.index.none_chosen": ("请至少选择一个服务事项", "Choose at least one service item"),
    "page.index.chosen": ("已选择 {count} 项", "{count} chosen"),
    "page.apply.heading": ("填写申请表", "Application form"),
    "page.apply.change_items": ("重新选择事项", "Change the items"),
    "page.apply.errors": ("提交的内容有误，请按提示修改（共{count}处）", "{count} {count:plural:field needs|fields need} correcting; see the messages beside them."),
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
    "page.apply.contact.email": ("电子邮箱（选填）", "E-mail (optional)"),
    "page.apply.contact.email_help": ("填写后，办件进展也会发送到此邮箱", "If given, each step is also sent here"),
    "page.apply.required": ("必填", "required"),
    "page.apply.optional": ("选填", "optional"),
    "page.apply.row": ("第{number}项", "Entry {number}"),
    "page.apply.add_row": ("增加一行", "Add a row"),
    "page.apply.remove_row": ("删除此行", "Remove this row"),
    "page.apply.submit": ("提交申请", "Submit"),
    "page.apply.committed": ("承诺时限{days}个工作日", "{days} working {days:plural:day|days}"),
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
    "page.documents.heading": ("证书与报告", "Certificates and reports"),
    "page.documents.signed_dcc": ("签名 DCC", "signed DCC"),
    "page.documents.help": (
        "PDF 与签名 DCC 均带平台电子签名，可在“真伪核验”页上传核验。",
        "The PDF and the signed DCC carry the platform's signature: upload either on the verification page to check it.",
    ),
    "document_kind.verification_certificate": ("检定证书", "Verification certificate"),
    "document_kind.verification_failure_notice": ("检定结果通知书", "Notice of verification result"),
    "document_kind.calibration_certificate": ("校准证书", "Calibration certificate"),
    "document_kind.test_report": ("检验检测报告", "Test report"),
    "document_kind.rapid_test_report": ("快速检测结果报告", "Rapid test report"),
    "document_kind.product_certificate": ("产品认证证书", "Product certification certificate"),
    "document_kind.management_system_certificate": ("管理体系认证证书", "Management system certificate"),
    "page.verify.file": ("或上传文件（PDF 或签名 DCC）", "Or upload the file (PDF or signed DCC)"),
    "page.verify.file_help": ("最大 10 MiB；DCC 请上传 .signed.xml 签名文件", "At most 10 MiB; for a DCC upload its .signed.xml file"),
    "page.verify.file_submit": ("核验文件", "Check the file"),
    "page.verify.file_name": ("文件", "File"),
    "page.verify.genuine": ("真实且未被改动：由本平台签发", "Genuine and unaltered: issued by this platform"),
    "page.verify.not_genuine": ("不是真实文件", "Not genuine"),
    "page.verify.state_today": ("当前状态", "State today"),
    "page.verify.edition": ("版次", "Edition"),
    "page.verify.edition_old": ("此为第 {edition} 版，证书现为第 {current} 版", "This is edition {edition}; the certificate is now at edition {current}"),
    "file_required": ("请选择要核验的文件", "Choose a file to check."),
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
    "period_too_long": ("查询期间不能超过{days}天", "A period is at most {days} {days:plural:day|days}."),
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
    "page.dashboard.export_xlsx": ("导出Excel（按服务站）", "Export Excel (by station)"),
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
    "page.dashboard.working_days": ("{days}个工作日", "{days} working {days:plural:day|days}"),
    "page.dashboard.none_overdue": ("当前没有超期办件", "No request is overdue."),
    "page.dashboard.nothing": ("本期间没有数据", "Nothing in this period."),
    "page.staff.queue_link": ("办件队列", "Queue"),
    "page.staff.accounts_link": ("待核验企业账户", "Enterprise accounts to verify"),
    "page.accounts.heading": ("{station} 待核验企业账户", "{station}: enterprise accounts to verify"),
    "page.accounts.heading_all": ("待核验企业账户", "Enterprise accounts to verify"),
    "page.accounts.state": ("状态", "State"),
    "page.accounts.empty": ("没有待核验的企业账户", "No enterprise account is waiting."),
    "page.accounts.registered_at": ("注册时间", "Registered"),
    "page.accounts.uscc": ("统一社会信用代码", "Credit code"),
    "page.accounts.name": ("企业名称", "Enterprise"),
    "page.accounts.contact": ("联系人及手机", "Contact and phone"),
    "page.accounts.station": ("核验服务站", "Station that verifies"),
    "page.accounts.back": ("返回待核验列表", "Back to the list"),
    "page.accounts.instructions": (
        "请当面查验营业执照原件（或加盖公章的复印件），逐项核对后勾选；不一致的，不予通过并写明理由。",
        "Look at the original business licence (or a stamped copy), tick each item you checked; if anything "
        "differs, refuse and say why.",
    ),
    "page.accounts.checks": ("核对营业执照", "Checked on the business licence"),
    "page.accounts.note": ("备注（不予通过时必填）", "Note (required to refuse)"),
    "page.accounts.verify": ("核验通过", "Verify"),
    "page.accounts.refuse": ("不予通过", "Refuse"),
    "page.accounts.decided": ("已记录：{decision}", "Recorded: {decision}"),
    "page.accounts.audit": ("核验记录（不可修改）", "Verification record (cannot be edited)"),
    "page.accounts.audit_entry": ("{at} {by}：{decision}", "{at} {by}: {decision}"),
    "page.accounts.no_decision": ("已核验或已不予通过，无需再办理", "Decided already: nothing more to do."),
    "page.register.heading": ("企业账户注册", "Register an enterprise account"),
    "page.register.intro": (
        "注册后，请携营业执照到所选服务站核验；核验通过后，凭统一社会信用代码和密码登录，即可查看本企业的全部办件、器具档案和提醒。",
        "After registering, show your business licence at the station you choose. Once it is verified, sign in "
        "with the credit code and your password to see all of your enterprise's requests, instrument file and "
        "notices.",
    ),
    "page.register.uscc": ("统一社会信用代码", "Unified social credit code"),
    "page.register.name": ("企业名称（与营业执照一致）", "Enterprise name (as on the business licence)"),
    "page.register.contact_name": ("联系人", "Contact person"),
    "page.register.phone": ("联系人手机", "Contact's mobile phone"),
    "page.register.station": ("核验服务站", "Station to show the licence at"),
    "page.register.password": ("密码（至少10位）", "Password (at least 10 characters)"),
    "page.register.password_confirm": ("再次输入密码", "Password again"),
    "page.register.submit": ("注册", "Register"),
    "page.register.done_heading": ("注册已提交", "Registration received"),
    "page.nav.register": ("企业注册", "Register"),
    "page.staff.rating": ("企业评价", "The enterprise's rating"),
    "page.staff.rectifications": ("待整改的差评（{count}件）", "Poor ratings to answer ({count})"),
    "page.staff.rectification_answer": ("整改情况", "What was found and changed"),
    "page.staff.answer_rectification": ("提交整改答复", "Send the answer"),
    "page.track.completed_at": ("办结时间", "Completed"),
    "page.track.turnaround": ("用时{days}个工作日", "took {days} working {days:plural:day|days}"),
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


# The operators' workbench (issue 27): every step of every domain's work on screen.
MESSAGES.update({
    "page.yes": ("是", "Yes"),
    "page.no": ("否", "No"),
    "page.staff.queue_all": ("全部服务站 办件队列", "All stations: queue"),
    "page.staff.all_stations": ("全部服务站", "All stations"),
    "page.staff.terminate_reason": (
        "终止原因（如企业申请撤回），出具证书报告前可终止", "Why (e.g. the enterprise withdrew); possible until a "
        "certificate or report is issued",
    ),
    "page.staff.reassigned": (
        "办件 {code} 已转至{station}，由该站继续办理",
        "Request {code} has been moved to {station}, which takes it from here.",
    ),
    # the tracking page
    "page.track.submitted": ("您提交的申请内容", "What you submitted"),
    "page.track.standards_found": ("查到以下标准（{count}项）", "Standards found ({count})"),
    "page.track.standards_count": ("查到标准{count}项", "{count} {count:plural:standard|standards} found"),
    "page.track.open_child": ("查看该办件的进度", "See this request's progress"),
    # what a verification says
    "certificate_status.failure_notice": ("检定不合格（检定结果通知书）", "Failed verification (notice of failure)"),
    "conclusion.pass": ("合格", "Pass"),
    "conclusion.fail": ("不合格", "Fail"),
    "page.verify.failure_notice": (
        "这是一份检定结果通知书：该器具检定不合格，不得用于贸易结算、安全防护、医疗卫生、环境监测。",
        "This is a notice of verification failure: the instrument failed and may not be used for trade, safety, "
        "health or environmental monitoring.",
    ),
    "page.verify.latest_withdrawn": (
        "替代它的版本 {number} 已于 {day} 撤销，目前没有有效版本",
        "The version that replaced it, {number}, was itself withdrawn on {day}: no version is in force.",
    ),
    "page.verify.latest_current": ("现行有效版本为 {number}", "The version in force is {number}."),
    "page.verify.standards": ("认证依据", "Standards"),
    "page.verify.scope": ("认证范围", "Scope"),
    "page.verify.suspended_until": ("暂停至", "Suspended until"),
    "page.verify.samples": ("样品", "Samples"),
    # what documents are
    "document_kind.verification_certificate": ("检定证书", "Verification certificate"),
    "document_kind.verification_failure_notice": ("检定结果通知书（不合格）", "Notice of verification failure"),
    "document_kind.calibration_certificate": ("校准证书", "Calibration certificate"),
    "document_kind.test_report": ("检验检测报告", "Test report"),
    "document_kind.rapid_test_report": ("快速检测报告", "Rapid test report"),
    "document_kind.product_certificate": ("产品认证证书", "Product certificate"),
    "document_kind.measurement_standard_certificate": ("计量标准考核证书", "Measurement-standard certificate"),
    "document_kind.management_system_certificate": ("管理体系认证证书", "Management-system certificate"),
    # a domain service's job, application or case
    "job_status.received": ("待接收办理", "Received, not started"),
    "job_status.samples_received": ("样品已接收", "Samples received"),
    "job_status.in_progress": ("办理中", "In progress"),
    "job_status.results_recorded": ("结果待复核", "Results awaiting review"),
    "job_status.reviewed": ("已复核，待出具", "Reviewed, to be issued"),
    "job_status.completed": ("已出具", "Issued"),
    "job_status.declined": ("已退回服务站", "Declined, back at the station"),
    "job_status.applied": ("待申请评审", "Application to review"),
    "job_status.under_audit": ("审核中", "Under audit"),
    "job_status.awaiting_decision": ("待认证决定", "Awaiting the decision"),
    "job_status.not_accepted": ("申请未受理", "Application not accepted"),
    "job_status.refused": ("不予认证", "Certification refused"),
    "job_status.certified": ("已颁发证书", "Certified"),
    "job_status.awaiting_answer": ("待人工解答", "Awaiting an answer"),
    "job_status.under_review": ("待审查", "Under review"),
    "job_status.answered": ("已答复", "Answered"),
    "job_status.standards.reviewed": ("已审查", "Reviewed"),
    "job_status.documents_reviewed": ("书面审查通过，待考评", "Documents reviewed, to be assessed"),
    "job_status.documents_returned": ("书面审查退回补正", "Documents returned for correction"),
    "job_status.assessed": ("已考评，待审批", "Assessed, awaiting the decision"),
    "job_status.terminated": ("已终止", "Ended by the station"),
    "job_status.metrology.refused": ("不予发证", "Refused"),
    # the job list
    "page.work.jobs_link": ("业务办理", "Jobs"),
    "page.work.jobs": ("{domain} 业务办理", "{domain}: jobs"),
    "page.work.open": ("在办（已分派、办理中）", "Open (dispatched, in progress)"),
    "page.work.flagged": ("引用标准已变更", "Cited standard changed"),
    "page.work.flagged_title": (
        "所引用的标准已被代替或废止，请核查", "A standard this work cites was superseded or withdrawn; please check",
    ),
    "page.work.latest": ("最近进展", "Latest step"),
    "page.work.no_jobs": ("没有符合条件的业务", "No jobs match."),
    "page.work.back": ("返回业务列表", "Back to the jobs"),
    "page.work.back_to_job": ("返回业务 {code}", "Back to job {code}"),
    "page.work.read_only": ("只读：可查看，不能办理", "Read only: you can look but not act"),
    # a job's page
    "page.work.job_status": ("业务状态", "Job status"),
    "page.work.request_status": ("办件：", "Request:"),
    "page.work.steps": ("办理步骤", "Steps taken"),
    # a laboratory job's steps, as its own list names them (the timeline's labels take details)
    "page.work.did.documents_reviewed": ("书面审查通过", "Documents reviewed"),
    "page.work.did.documents_returned": ("书面审查退回补正", "Documents returned for correction"),
    "page.work.did.standard_assessed": ("完成考评", "Assessed"),
    "page.work.did.assessment_refused": ("不予发证", "Refused"),
    "page.work.did.job_completed": ("办结", "Completed"),
    "page.work.step": ("步骤", "Step"),
    "page.work.by": ("办理人", "By"),
    "page.work.comment": ("意见", "Comment"),
    "page.work.comments": ("意见", "Comments"),
    "page.work.date": ("日期", "Date"),
    "page.work.documents": ("出具的证书报告", "Documents issued"),
    "page.work.certificate": ("证书", "Certificate"),
    "page.work.results": ("结果", "Results"),
    "page.work.recorded_by": ("记录人：{name}", "recorded by {name}"),
    "page.work.step.start": ("开始办理", "Start"),
    "page.work.step.results": ("记录结果", "Record the results"),
    "page.work.step.review": ("复核", "Review"),
    "page.work.step.issue": ("出具", "Issue"),
    "page.work.step.decline": ("退回服务站", "Decline"),
    "page.work.step.samples": ("接收样品", "Sample intake"),
    "page.work.step.stage1": ("第一阶段审核", "Stage 1 audit"),
    "page.work.step.stage2": ("第二阶段审核", "Stage 2 audit"),
    "page.work.step.type-test": ("型式试验", "Type test"),
    "page.work.step.factory-inspection": ("工厂检查", "Factory inspection"),
    "page.work.step.decision": ("认证决定", "Certification decision"),
    "page.work.step.answer": ("书面答复", "Written answer"),
    "page.work.step.correction": ("提出更正", "Propose a correction"),
    "page.work.step.amendment": ("提出更正", "Propose an amendment"),
    "page.work.step.approved": ("更正经审核通过，已出具新版本", "Approved: the new version is issued"),
    "page.work.step.refused": ("更正提议未通过，未出具新版本", "Refused: no new version is issued"),
    "page.work.step.document-review": ("书面审查", "Review of the documents"),
    "page.work.step.assessment": ("考评", "Assessment"),
    "page.work.step.metrology.decision": ("审批", "Decision"),
    "page.work.step.withdrawal": ("撤销", "Withdraw"),
    "page.work.step.surveillance": ("监督审核", "Surveillance audit"),
    "page.work.step.suspend": ("暂停证书", "Suspend the certificate"),
    "page.work.step.restore": ("恢复证书", "Restore the certificate"),
    "page.work.step.withdraw": ("撤销证书", "Withdraw the certificate"),
    "page.work.step.reduce-scope": ("缩小认证范围", "Reduce the scope"),
    "page.work.step.recertify": ("再认证", "Recertification"),
    "page.work.step.register_reference_standard": ("登记计量标准", "Register a reference standard"),
    "page.work.step.record_reference_check": ("记录期间核查", "Record a check"),
    "page.work.step.set_verification_period": ("设定检定周期", "Set the verification period"),
    "page.work.start": ("开始办理", "Start the work"),
    "page.work.record_results": ("保存结果", "Save the results"),
    "page.work.send_review": ("提交", "Send"),
    "page.work.issue": ("出具证书/报告", "Issue"),
    "page.work.decline": ("退回服务站", "Decline"),
    "page.work.decline_note": (
        "尚未开始办理时，可说明理由退回服务站", "Before work starts, the job can be handed back to the station with a reason.",
    ),
    "page.work.review_note": (
        "复核人不能是记录结果的人（{name}）；退回重做时请写明原因",
        "Someone other than who recorded the results ({name}) reviews them; say why when sending them back.",
    ),
    "page.work.review_decision": ("复核结论", "Decision"),
    "page.work.approve": ("通过", "Approve"),
    "page.work.review_by_another": (
        "结果已记录，待其他人复核（复核人不能是记录结果的人）",
        "The results are recorded and wait for someone else to review them (not who recorded them).",
    ),
    "page.work.record_again": ("修改已记录的结果（复核前）", "Change the recorded results (before the review)"),
    "page.work.step.certification.review": ("申请评审", "Application review"),
    "page.work.step.standards.review": ("审查自我声明", "Declaration review"),
    "page.work.send_back": ("退回重做", "Send back"),
    "page.work.review_comment": ("复核意见", "Comment"),
    "page.work.review_comment_help": ("退回重做时必填", "Needed when sending back"),
    "page.work.issue_note_metrology": (
        "每台器具出具一份证书或检定结果通知书，出具后不能修改，只能更正为新版本或撤销",
        "One certificate or failure notice per instrument; once issued it cannot change, only be corrected by a "
        "new version or withdrawn.",
    ),
    "page.work.issue_note_testing": (
        "出具检验检测报告，出具后不能修改，只能更正为新版本或撤销",
        "Issues the test report; once issued it cannot change, only be amended by a new version or withdrawn.",
    ),
    # metrology results
    "page.work.results_note_JL01": (
        "每台器具填写检定项目及结论；有不合格项目时结论为不合格并写明原因",
        "For each instrument, the items checked and the conclusion; a failed item means a fail, with the reasons.",
    ),
    "page.work.results_note_JL02": (
        "每台器具填写各校准点的标称值、测得值、扩展不确定度U、包含因子k和单位；经调整的给出调整前的测得值",
        "For each instrument, every calibration point: nominal, measured, expanded uncertainty U, coverage factor k "
        "and unit; an adjusted instrument also gives the reading before adjustment.",
    ),
    "page.work.results_note_JC01": (
        "每个样品每个检测项目一行；给出限值时写明判定规则，保护带判定需填写不确定度",
        "One row per sample and test item; judging against a limit needs the decision rule, and guarded "
        "acceptance the uncertainty.",
    ),
    "page.work.results_note_JC02": (
        "每个样品每个检测项目一行：阴性或阳性；阳性结果应按国家标准方法确证",
        "One row per sample and item: negative or positive; a positive result is confirmed by the national method.",
    ),
    "page.work.environment": ("环境条件", "Environment"),
    "page.work.location": ("地点", "Location"),
    "page.work.temperature": ("温度（°C）", "Temperature (°C)"),
    "page.work.humidity": ("相对湿度（%）", "Relative humidity (%)"),
    "page.work.environment_other": ("其他条件", "Other conditions"),
    "page.work.instrument": ("{name} {model}（出厂编号 {serial}）", "{name} {model} (serial {serial})"),
    "page.work.instrument_label": ("器具", "Instrument"),
    "page.work.instrument_type": ("器具类型", "Instrument type"),
    "page.work.method": ("方法依据", "Method"),
    "page.work.methods": ("方法依据", "Methods"),
    "page.work.method_code": ("规程/规范编号", "Procedure number"),
    "page.work.method_title": ("规程/规范名称", "Procedure title"),
    "page.work.method_default": ("不填时按该器具类型的检定规程", "Blank: the type's verification regulation"),
    "page.work.manufacturer": ("制造单位", "Manufacturer"),
    "page.work.reference_standards": ("计量标准", "Reference standards"),
    "page.work.valid_until": ("有效期至 {day}", "valid until {day}"),
    "page.work.no_reference_standards": ("尚未登记计量标准", "No reference standard is registered yet."),
    "page.work.register_standards": ("登记计量标准", "Register one"),
    "page.work.points": ("校准点", "Calibration points"),
    "page.work.nominal": ("标称值", "Nominal"),
    "page.work.measured": ("测得值", "Measured"),
    "page.work.before_adjustment": ("调整前测得值", "Before adjustment"),
    "page.work.error": ("示值误差", "Error"),
    "page.work.uncertainty": ("扩展不确定度U", "Expanded uncertainty U"),
    "page.work.coverage_factor": ("包含因子k", "Coverage factor k"),
    "page.work.unit": ("单位", "Unit"),
    "page.work.adjusted": ("经过调整", "Adjusted"),
    "page.work.adjusted_help": ("勾选时每个校准点都应填写调整前测得值", "Then every point needs the reading before adjustment"),
    "page.work.recalibration_date": ("建议复校日期", "Recalibration date"),
    "page.work.remarks": ("备注", "Remarks"),
    "page.work.check_items": ("检定项目", "Items checked"),
    "page.work.check_item": ("项目", "Item"),
    "page.work.check_result": ("检定结果", "Result"),
    "page.work.conformity": ("符合性", "Conformity"),
    "page.work.conforms": ("合格", "Conforms"),
    "page.work.not_conforms": ("不合格", "Does not conform"),
    "page.work.conclusion": ("检定结论", "Conclusion"),
    "page.work.pass": ("合格", "Pass"),
    "page.work.fail": ("不合格", "Fail"),
    "page.work.accuracy_class_found": ("实测准确度等级", "Accuracy class found"),
    "page.work.failure_reasons": ("不合格原因", "Reasons for failure"),
    "page.work.failure_reasons_help": ("结论为不合格时必填", "Needed when the conclusion is a fail"),
    "page.work.performed_on": ("检定/校准日期", "Performed on"),
    "page.work.signatories": ("签字", "Signed"),
    "page.work.signatory.performed_by": ("检定/校准员", "Performed by"),
    "page.work.signatory.tested_by": ("检验员", "Tested by"),
    "page.work.signatory.reviewed_by": ("核验员", "Reviewed by"),
    "page.work.signatory.issued_by": ("批准人", "Issued by"),
    "page.work.signatory.proposed_by": ("更正提议人", "Correction proposed by"),
    "page.work.signatory.approved_by": ("更正审核人", "Correction approved by"),
    "page.work.signatory.assessed_by": ("考评员", "Assessed by"),
    # corrections and withdrawals
    "page.work.correction_note": (
        "更正经另一人审核通过后出具新版本（编号加 -R1 等），注明所替代的版本；原版本保留，核验时显示已被替代",
        "Once someone else approves it, a correction is a new version (-R1…) naming the one it replaces; the old "
        "one stays and verifies as superseded.",
    ),
    "page.work.amendment_note": (
        "更正经另一人审核通过后出具新版本，注明所替代的版本；原版本保留，核验时显示已被替代",
        "Once someone else approves it, an amendment is a new version naming the one it replaces; the old one "
        "stays and verifies as superseded.",
    ),
    "page.work.correction_reason": ("更正原因", "Why"),
    "page.work.correct": ("提交更正提议", "Propose the correction"),
    "page.work.amend": ("提交更正提议", "Propose the amendment"),
    "page.work.proposals": ("更正提议（双人审核）", "Proposed new versions (four eyes)"),
    "page.work.changes": ("更正内容", "Changes"),
    "page.work.proposed_by": ("提议人", "Proposed by"),
    "page.work.proposal.proposed": ("待审核", "Awaiting a second person"),
    "page.work.proposal.approved": ("已通过", "Approved"),
    "page.work.proposal.refused": ("未通过", "Refused"),
    "page.work.proposal_waits": (
        "您提出的更正待其他人审核通过后出具新版本", "Your proposal waits for someone else to approve it before the new "
        "version is issued.",
    ),
    "page.work.decide_proposal": ("审核更正提议 {id}", "Decide on proposal {id}"),
    "page.work.four_eyes_note": (
        "由提议人以外的人审核；通过即出具新版本，注明所替代的版本",
        "Decided by someone other than who proposed it; approved, the new version naming the one it replaces is issued.",
    ),
    "page.work.approve_proposal": ("通过，出具新版本", "Approve and issue the new version"),
    "page.work.refuse_proposal": ("不通过", "Refuse"),
    "page.work.refusal_needs_comment": ("不通过时必填", "Needed when refusing"),
    "page.work.change.customer_name": ("委托方名称改为", "Customer name becomes"),
    "page.work.change.instrument_name": ("器具名称改为", "Instrument name becomes"),
    "page.work.change.instrument_model": ("型号规格改为", "Model becomes"),
    "page.work.change.instrument_manufacturer": ("制造单位改为", "Manufacturer becomes"),
    "page.work.change.instrument_measuring_range": ("测量范围改为", "Measuring range becomes"),
    "page.work.change.instrument_accuracy_class": ("准确度等级改为", "Accuracy class becomes"),
    "page.work.change.remarks": ("备注改为", "Remarks become"),
    "page.work.withdraw": ("撤销", "Withdraw"),
    "page.work.withdrawal_note": (
        "撤销后核验显示已撤销，不能恢复", "Once withdrawn it verifies as withdrawn; this cannot be undone.",
    ),
    "page.work.withdrawal_reason": ("撤销原因", "Why"),
    # testing
    "page.work.samples": ("样品", "Samples"),
    "page.work.samples_note": (
        "按收到时的状态登记每个样品，接收后编号 SQYP-…", "Record each sample as received; each gets a number SQYP-…",
    ),
    "page.work.receive_samples": ("接收样品", "Receive the samples"),
    "page.work.sample_number": ("样品编号", "Sample number"),
    "page.work.sample_name": ("样品名称", "Sample"),
    "page.work.sample_description": ("样品描述", "Description"),
    "page.work.condition_on_receipt": ("接收时状态", "Condition on receipt"),
    "page.work.quantity": ("数量", "Quantity"),
    "page.work.test_conditions": ("检测条件", "Test conditions"),
    "page.work.specification": ("判定依据", "Specification"),
    "page.work.specification_help": ("如：GB 2762-2022", "e.g. GB 2762-2022"),
    "page.work.decision_rule": ("判定规则", "Decision rule"),
    "page.work.rule.simple_acceptance": ("简单接受", "Simple acceptance"),
    "page.work.rule.guarded_acceptance": ("保护带判定（考虑不确定度）", "Guarded acceptance (uncertainty counted)"),
    "page.work.test_item": ("检测项目", "Test item"),
    "page.work.value": ("测得值", "Value"),
    "page.work.limit": ("限值", "Limit"),
    "page.work.limit_min": ("下限", "Min"),
    "page.work.limit_max": ("上限", "Max"),
    "page.work.outcome": ("结果", "Outcome"),
    "page.work.outcome.negative": ("阴性", "Negative"),
    "page.work.outcome.positive": ("阳性", "Positive"),
    "page.work.inhibition_rate": ("抑制率（%）", "Inhibition (%)"),
    "page.work.conformity.pass": ("符合", "Conforms"),
    "page.work.conformity.fail": ("不符合", "Does not conform"),
    "page.work.conformity.not_assessed": ("不判定", "Not assessed"),
    "page.work.tested_on": ("检测日期", "Tested on"),
    # certification
    "page.work.application": ("认证申请", "The application"),
    "page.work.auditors": ("审核组成员", "Audit team"),
    "page.work.auditors_help": ("不填时记为录入人本人；参与审核的人不能作认证决定", "Blank: the person recording it. "
                                "No one of the team may take the decision."),
    "page.work.decision_by_another": (
        "您参与了评审、审核或考评，决定须由未参与的人作出", "You took part in the review, audit or assessment: "
        "the decision is someone else's to take.",
    ),
    # JL03 计量标准考核
    "page.work.assessment_record": ("考核过程", "The assessment so far"),
    "page.work.document_review_note": (
        "审查申请书、技术报告及计量标准和配套设备的证书；不通过的写明需补正的内容",
        "Review the application, the technical report and the certificates of the standard and its equipment; "
        "say what to correct when they do not pass.",
    ),
    "page.work.documents_passed": ("书面审查通过", "The documents pass"),
    "page.work.documents_returned": ("退回补正", "Return for correction"),
    "page.work.to_correct": ("需补正的内容", "What to correct"),
    "page.work.to_correct_help": ("退回补正时必填", "Needed when returning them"),
    "page.work.assessment_note": (
        "考评员现场考评后记录；审批前可重新记录", "Recorded after the assessors' visit; may be recorded again until "
        "the decision.",
    ),
    "page.work.assessed_on": ("考评日期", "Assessed on"),
    "page.work.assessors": ("考评员", "Assessors"),
    "page.work.assessors_help": ("考评员不能参与审批", "No assessor may take the decision"),
    "page.work.assessment_conclusion": ("考评结论", "Conclusion"),
    "page.work.assessment_decision_note": (
        "审批由未参与书面审查和考评的人作出；通过即颁发计量标准考核证书（JJF 1033-2023，有效期5年）",
        "Decided by someone who took no part in the review or the assessment; a grant issues the certificate "
        "(JJF 1033-2023, valid five years).",
    ),
    "page.work.grant_standard_certificate": ("颁发计量标准考核证书", "Grant the certificate"),
    "page.work.main_equipment": ("主要配套设备", "Main equipment"),
    "page.work.measurement_standard": ("计量标准", "Measurement standard"),
    "page.work.standards": ("认证依据", "Standards"),
    "page.work.scope": ("认证范围", "Scope"),
    "page.work.sites": ("场所", "Sites"),
    "page.work.application_review_note": (
        "评审申请材料和认证机构的能力，决定是否受理", "Review the application and whether the body can take it on.",
    ),
    "page.work.application_decision": ("评审结论", "Outcome of the review"),
    "page.work.accept_application": ("受理，安排审核", "Accept and arrange the audit"),
    "page.work.accepted": ("受理", "Accepted"),
    "page.work.not_accepted": ("不予受理", "Not accepted"),
    "page.work.comments_needed_when_refused": ("不予受理或不予认证时必填", "Needed when refusing"),
    "page.work.conducted_on": ("审核日期", "Conducted on"),
    "page.work.stage1_outcome": ("第一阶段结论", "Outcome of stage 1"),
    "page.work.ready_for_stage2": ("可进入第二阶段", "Ready for stage 2"),
    "page.work.not_ready_for_stage2": ("暂不具备第二阶段条件", "Not ready for stage 2"),
    "page.work.findings": ("审核发现", "Findings"),
    "page.work.recommendation": ("审核组推荐", "The team recommends"),
    "page.work.grant": ("颁发证书", "Grant"),
    "page.work.refuse": ("不予认证", "Refuse"),
    "page.work.major": ("严重不符合项数", "Major nonconformities"),
    "page.work.minor": ("一般不符合项数", "Minor nonconformities"),
    "page.work.nonconformities": ("严重不符合{major}项，一般不符合{minor}项", "{major} major, {minor} minor"),
    "page.work.check_outcome": ("结果", "Result"),
    "page.work.check_reference": ("报告/记录编号", "Report or record number"),
    "page.work.record_audit": ("保存", "Save"),
    "page.work.outcome_of_step": ("结论", "Outcome"),
    "page.work.decision": ("认证决定", "Decision"),
    "page.work.decide": ("作出决定", "Decide"),
    "page.work.decision_note": (
        "认证决定由未参与该申请审核的人员作出（ISO/IEC 17021-1 §9.5）",
        "The decision is made by someone who took no part in this application's audit (ISO/IEC 17021-1 §9.5).",
    ),
    "page.work.surveillance": ("监督审核计划", "Surveillance audits"),
    "page.work.cycle": ("认证周期", "Cycle"),
    "page.work.visit": ("次序", "Visit"),
    "page.work.due_by": ("应完成日期", "Due by"),
    "page.work.visit_status.planned": ("计划中", "Planned"),
    "page.work.visit_status.completed": ("已完成", "Done"),
    "page.work.suspended_until": ("暂停至", "Suspended until"),
    "page.work.recertify": ("再认证", "Recertify"),
    "page.work.recertify_note": (
        "在证书有效期最后一年内、本周期监督审核完成后进行，有效期延长三年",
        "In the last year before expiry, once this cycle's surveillance audits are done; extends it by three years.",
    ),
    "page.work.suspend": ("暂停", "Suspend"),
    "page.work.suspend_note": ("暂停期最长6个月，到期未恢复的将撤销", "At most 6 months; unrestored by then, it is withdrawn."),
    "page.work.suspend_until": ("暂停至", "Suspended until"),
    "page.work.restore": ("恢复有效", "Restore"),
    "page.work.reduce_scope": ("缩小范围", "Reduce"),
    "page.work.reduce_scope_note": (
        "收窄认证范围或减少场所，不能增加场所", "Narrow the scope or drop sites; no site can be added.",
    ),
    "page.work.new_scope": ("缩小后的认证范围", "The narrowed scope"),
    "page.work.sites_kept": ("保留的场所", "Sites kept"),
    "page.work.withdraw_certificate_note": ("撤销后证书失效，不能恢复", "A withdrawn certificate is void for good."),
    # standards
    "page.work.references": ("引用标准核查", "Cited standards, as checked"),
    "page.work.cited": ("企业所列", "As cited"),
    "page.work.in_catalogue": ("标准目录", "In the catalogue"),
    "page.work.standard_state": ("状态", "State"),
    "page.work.replaced_by": ("代替标准", "Replaced by"),
    "page.work.unrecognised": ("未能识别为标准编号的行：{lines}", "Lines that name no standard: {lines}"),
    "page.work.declaration_note": (
        "引用了已被代替或废止的标准的，不能通过，应要求修改", "A declaration citing a superseded or withdrawn standard "
        "cannot be approved; ask for changes.",
    ),
    "page.work.declaration.approved": ("审查通过", "Approved"),
    "page.work.declaration.changes_requested": ("需修改", "Changes requested"),
    "page.work.changes_need_comments": ("要求修改时必填", "Needed when asking for changes"),
    "page.work.unverified_references": (
        "引用的标准 {numbers} 不在标准目录中，无法核实；请以其他方式核实后勾选确认再通过，或要求企业修改",
        "It cites standards the catalogue does not have ({numbers}); check them another way and tick the box to "
        "approve, or ask for changes.",
    ),
    "page.work.acknowledge_unverified": (
        "目录中没有的引用标准已另行核实为现行有效", "I checked the cited standards the catalogue lacks another way: "
        "they are in force",
    ),
    "page.work.answer": ("答复", "Answer"),
    "page.work.answer_note": ("书面答复将显示在企业的办件查询页", "The written answer shows on the enterprise's tracking page."),
    "page.work.send_answer": ("发送答复", "Send the answer"),
    "page.work.answered_by": ("答复人：{name}", "Answered by {name}"),
    "page.work.attachments": ("附件", "Attachments"),
    "page.work.attachments_help": (
        "可多选，随答复发给企业，企业在办件查询页下载。", "You may choose several; the enterprise downloads them from "
        "its tracking page with the answer.",
    ),
    "page.work.bytes": ("{size}字节", "{size} {size:plural:byte|bytes}"),
    "standard_state.unknown": ("目录中未找到", "Not in the catalogue"),
    # reference standards and instrument types
    "page.work.instrument_types": ("强制检定器具类型", "Instrument types"),
    "page.work.instrument_types_intro": (
        "强制检定目录中的器具类型及其检定周期；只有管理员能设定周期，设定前按来源标注",
        "The types under compulsory verification and their periods; only an administrator sets a period, and "
        "until then it says where it comes from.",
    ),
    "page.work.regulation": ("检定规程", "Regulation"),
    "page.work.period": ("检定周期", "Period"),
    "page.work.period_months": ("检定周期（月）", "Period (months)"),
    "page.work.period_basis": ("周期来源", "Basis"),
    "page.work.basis.administrator": ("管理员设定", "Set by an administrator"),
    "page.work.basis.secondary_source": ("二手资料，待确认", "Secondary source, unconfirmed"),
    "page.work.basis.unconfirmed_default": ("默认值，待确认", "Default, unconfirmed"),
    "page.work.months": ("{months}个月", "{months} {months:plural:month|months}"),
    "page.work.set_period": ("设定周期", "Set the period"),
    "page.work.period_note": ("依据（如规程条款）", "Basis (e.g. the regulation's clause)"),
    "page.work.set": ("设定", "Set"),
    "page.work.reference_standards_intro": (
        "检定校准所用的计量标准：已判定失准或检定/校准过期的不能选用",
        "The standards measurements are traced through; one out of tolerance or past its calibration cannot be used.",
    ),
    "page.work.standard_id": ("标准编号", "Id"),
    "page.work.standard_id_help": ("本实验室内部编号，如 RS-P01", "The laboratory's own id, e.g. RS-P01"),
    "page.work.standard_name": ("名称", "Name"),
    "page.work.model": ("型号", "Model"),
    "page.work.serial_number": ("出厂编号", "Serial number"),
    "page.work.measuring_range": ("测量范围", "Measuring range"),
    "page.work.uncertainty_class": ("不确定度或准确度等级", "Uncertainty or class"),
    "page.work.calibration_certificate": ("溯源证书编号", "Its calibration certificate"),
    "page.work.calibrated_by": ("检定/校准机构", "Calibrated by"),
    "page.work.calibration_valid_until": ("溯源有效期至", "Calibration valid until"),
    "page.work.last_good_check": ("上次合格核查", "Last good check"),
    "reference_standard_state.in_service": ("可用", "In service"),
    "reference_standard_state.out_of_tolerance": ("失准", "Out of tolerance"),
    "reference_standard_state.calibration_expired": ("溯源已过期", "Calibration expired"),
    "page.work.register_standard": ("登记计量标准", "Register a reference standard"),
    "page.work.register": ("登记", "Register"),
    "page.work.registered": ("登记", "Registered"),
    "page.work.checks": ("期间核查", "Checks"),
    "page.work.no_checks": ("尚无核查记录", "No checks yet."),
    "page.work.record_check": ("记录核查", "Record a check"),
    "page.work.check_note": (
        "核查失准时，列出自上次合格核查以来用它出具的全部证书，并通知相关企业",
        "Out of tolerance lists every certificate issued with it since its last good check and tells those "
        "enterprises.",
    ),
    "page.work.checked_on": ("核查日期", "Checked on"),
    "page.work.check.within_tolerance": ("合格", "Within tolerance"),
    "page.work.check.out_of_tolerance": ("失准", "Out of tolerance"),
    "page.work.note": ("说明", "Note"),
    "page.work.out_of_tolerance_since": (
        "{found_on} 核查失准：自 {since} 以来用它出具的证书存疑",
        "Found out of tolerance on {found_on}: certificates issued with it since {since} are in doubt",
    ),
    "page.work.no_affected_certificates": ("期间没有用它出具的证书", "No certificate was issued with it meanwhile."),
})


# Issue 27: every item completes, impartiality and four eyes, the station ends work,
# and what people read is right (no internal state names, no empty placeholders).
MESSAGES.update({
    # the state of a domain service's work, as a refusal names it (never its internal name)
    "state.received": ("已接收，尚未开始", "received, not started"),
    "state.samples_received": ("已接收样品", "samples received"),
    "state.in_progress": ("办理中", "in progress"),
    "state.results_recorded": ("结果已记录，待复核", "results recorded, awaiting review"),
    "state.reviewed": ("已复核", "reviewed"),
    "state.completed": ("已办结", "completed"),
    "state.declined": ("已退回服务站", "handed back to the station"),
    "state.documents_reviewed": ("书面审查已通过，待考评", "documents reviewed, awaiting assessment"),
    "state.documents_returned": ("书面审查未通过，待补正", "documents returned for correction"),
    "state.assessed": ("已考评，待审批", "assessed, awaiting the decision"),
    "state.applied": ("已申请，待评审", "applied, awaiting review"),
    "state.under_audit": ("审核中", "under audit"),
    "state.awaiting_decision": ("待认证决定", "awaiting the decision"),
    "state.not_accepted": ("申请未予受理", "application not accepted"),
    "state.refused": ("不予认证/不予发证", "refused"),
    "state.certified": ("已发证", "certified"),
    "state.valid": ("有效", "valid"),
    "state.suspended": ("暂停", "suspended"),
    "state.withdrawn": ("已撤销", "withdrawn"),
    "state.expired": ("已过期", "expired"),
    "state.superseded": ("已被替代", "superseded"),
    "state.current": ("现行有效", "current"),
    "state.answered": ("已答复", "answered"),
    "state.awaiting_answer": ("待人工解答", "awaiting a written answer"),
    "state.under_review": ("审查中", "under review"),
    "state.unknown": ("当前", "current"),
    # the standards catalogue (§6)
    "unverified_references": (
        "引用的标准 {numbers} 不在标准目录中，无法核实其是否现行有效；请以其他方式核实后确认"
        "（acknowledge_unverified）再通过，或要求企业修改",
        "It cites standards the catalogue does not have ({numbers}), so they could not be verified; check them "
        "another way and confirm (acknowledge_unverified) to approve, or ask for changes.",
    ),
    "standard_state.unverified": ("未核实（标准目录中没有）", "Not verified (not in the catalogue)"),
    # the station ends a dispatched request (§4)
    "status.terminated": ("已终止", "Terminated"),
    "status.partially_completed": ("部分办结", "Partly completed"),
    "event.terminated": ("服务站终止办理", "Ended by the station"),
    "event.job_cancelled": ("业务部门已停止办理", "The service stopped its work"),
    "event.job_not_cancelled": (
        "终止通知送达时业务部门已出具文件，文件继续有效",
        "The service had already issued its documents when the request was ended; they stand",
    ),
    "document_issued": (
        "已出具证书或报告（{numbers}），不能再终止办理",
        "A certificate or report has been issued ({numbers}); the request can no longer be ended.",
    ),
    "metric.terminated": ("终止", "Terminated"),
    # every item completes (§2)
    # four eyes (§3)
    "four_eyes": (
        "提出更正的人（{operator}）不能自行批准，须由另一名业务人员复核",
        "Whoever proposed it ({operator}) cannot approve it: a second operator must.",
    ),
    "proposal_open": (
        "{number} 已有待批准的更正（第{id}号），请先批准或退回",
        "{number} already has a proposal awaiting approval (no. {id}); decide it first.",
    ),
    "proposal_not_found": ("没有这一更正申请", "There is no such proposal."),
    "not_a_standard_assessment": (
        "事项{item}不是计量标准考核，没有这一步", "Item {item} is not a measurement-standard assessment.",
    ),
    "impartiality_conflict": (
        "{operator}参与过本项考核或审核（{role}），不能作出决定：决定应由未参与的人员作出",
        "{operator} took part in this assessment or audit ({role}); the decision must be taken by someone who "
        "did not.",
    ),
    "assessment_not_passed": (
        "考评结论为不合格，不能发证；可作出不予发证的决定",
        "The assessment did not pass, so no certificate can be granted; the decision may refuse it.",
    ),
    "assessment_date_out_of_range": (
        "考评日期（{assessed_on}）应在收到申请之日至今天之间",
        "The assessment date ({assessed_on}) must fall between the day the request arrived and today.",
    ),
    "role.document_reviewer": ("书面审查人", "reviewer of the documents"),
    "role.application_reviewer": ("申请评审人", "reviewer of the application"),
    "role.auditor": ("审核员", "auditor"),
    "role.assessor": ("考评员", "assessor"),
    "event.documents_reviewed": ("计量标准考核：书面审查通过", "Measurement-standard assessment: documents reviewed"),
    "event.documents_returned": (
        "计量标准考核：书面审查未通过，请按意见补正（{to_correct}）",
        "Measurement-standard assessment: documents returned for correction ({to_correct})",
    ),
    "event.standard_assessed": ("完成计量标准考评（{assessed_on}）", "Measurement standard assessed ({assessed_on})"),
    "event.standard_certificate_issued": (
        "颁发计量标准考核证书 {certificate_number}，有效期至 {valid_until}",
        "Measurement-standard certificate {certificate_number} issued, valid until {valid_until}",
    ),
    "event.assessment_refused": ("计量标准考核：不予发证（{reason}）", "Measurement-standard assessment refused ({reason})"),
    "not_a_consulting_item": (
        "事项{item}不是咨询事项，不能以书面答复办结", "Item {item} is not a consulting item: it is not answered in writing.",
    ),
    "page.staff.terminate": ("终止办理", "End the request"),
})


class _Filled(dict):
    """The parameters of a message; one not given reads as nothing rather than as its
    ``{placeholder}`` (a reader must never see the template)."""

    def __missing__(self, key):
        return ""


class _Formatter(string.Formatter):
    """``str.format`` plus English plurals: ``{days} working {days:plural:day|days}``
    reads "1 working day", "2 working days"."""

    def format_field(self, value, format_spec):
        if format_spec.startswith("plural:"):
            one, _, many = format_spec[len("plural:"):].partition("|")
            return one if str(value).strip() == "1" else many
        return super().format_field(value, format_spec)

    def get_value(self, key, args, kwargs):
        return kwargs[key] if isinstance(key, str) else super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


# Attachments (issue 28 §4)
MESSAGES.update({
    "file_empty": ("文件“{name}”是空的", "The file “{name}” is empty."),
    "file_type_not_allowed": (
        "不接受文件“{name}”：按内容识别为 {detected}；只接受 {allowed}",
        "“{name}” is not taken: its content is {detected}; only {allowed} are.",
    ),
    "file_type_mismatch": (
        "文件“{name}”的内容是 {detected}，与扩展名 {extension} 不符，请检查是否选错了文件",
        "The content of “{name}” is {detected}, not what its extension {extension} says: was it the right file?",
    ),
    "too_many_files": ("一次最多上传{max}个文件", "At most {max} files per upload."),
    "file_not_found": ("没有找到这个文件", "No such file for this request."),
    "not_a_file_id": ("应为上传文件得到的编号（32位十六进制）", "Must be the id an upload answered (32 hexadecimal characters)."),
    "unknown_file": (
        "没有这个上传文件，或已过期（上传后24小时内未使用即删除），请重新上传",
        "No such upload, or it expired (uploads not used within 24 hours are deleted): upload it again.",
    ),
    "file_attached_elsewhere": ("这个文件已附在另一件申请上", "This file belongs to another request."),
    "file_purpose.material": ("其他申请材料", "Other application material"),
    "file_purpose.supplement": ("补正材料", "Material supplied (补正)"),
    "file_purpose.answer": ("答复附件", "Attachment to the answer"),
    "page.files.heading": ("附件", "Files"),
    "page.files.help": (
        "文件按内容识别类型；点击即下载。", "Each file's type is read from its content; click to download.",
    ),
    "page.files.size": ("{size} 字节", "{size} bytes"),
    "page.files.choose": ("上传文件", "Upload a file"),
    "page.files.allowed": (
        "可上传 PDF、OFD、PNG、JPEG、Word（.docx）、Excel（.xlsx）或 UTF-8 文本，每个文件不超过 {mib} MiB",
        "PDF, OFD, PNG, JPEG, Word (.docx), Excel (.xlsx) or UTF-8 text, each at most {mib} MiB",
    ),
    "page.files.materials": ("申请材料（一次性告知）", "Application materials"),
    "page.files.other": ("其他材料", "Other material"),
    "page.files.uploaded": ("已上传：{name}", "Uploaded: {name}"),
    "page.track.answer_files": ("补正文件（可多选）", "Files (you may choose several)"),
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
    return _FORMATTER.vformat(text, (), _Filled(params))


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

# -- the enterprise's own pages and the one sign-in page (issue 29 §1) ----------------------------
MESSAGES.update({
    "page.yes": ("是", "Yes"),
    "page.no": ("否", "No"),
    "page.nav.login": ("登录", "Sign in"),
    "page.nav.my_requests": ("我的办件", "My requests"),
    "page.nav.my_instruments": ("器具档案", "Instrument file"),
    "page.nav.my_notices": ("消息提醒", "Messages and notices"),
    "page.nav.my_contacts": ("联系人", "Contacts"),
    "page.login.heading": ("登录", "Sign in"),
    "page.login.lead": (
        "企业用统一社会信用代码登录，服务站、业务部门和管理人员用工作账号登录。",
        "Enterprises sign in with their unified social credit code; station staff, service staff and managers "
        "with their username.",
    ),
    "page.login.username": ("统一社会信用代码或用户名", "Credit code or username"),
    "page.login.username_help": ("企业账户：18位统一社会信用代码", "Enterprise accounts: the 18-character credit code"),
    "page.login.no_account": ("企业还没有账户？", "No enterprise account yet?"),
    "contact_exists": ("这个手机号码已在联系人中", "This mobile number is among the contacts already."),
    "too_many_contacts": ("联系人最多{max}位", "At most {max} contacts."),
    "contacts_are_enterprises": ("只有企业账户可以添加联系人", "Only an enterprise account has contacts."),
    "instrument_status.registered": ("已登记（尚无证书）", "Registered (no certificate yet)"),
    "instrument_status.valid": ("有效", "Valid"),
    "instrument_status.failed": ("检定不合格，停止使用", "Failed verification: not to be used"),
    "instrument_status.withdrawn": ("证书已撤销", "Certificate withdrawn"),
    "page.me.pages": ("企业账户", "Enterprise account"),
    "page.me.more_filters": ("按状态、事项、日期筛选", "Filter by status, item, date"),
    "page.me.search": ("搜索", "Search"),
    "page.me.search_hint": ("办件编码或器具出厂编号", "Request code or instrument serial number"),
    "page.me.open": ("未办结（全部）", "Not finished (all)"),
    "page.me.submitted_from": ("提交日期从", "Submitted from"),
    "page.me.submitted_to": ("提交日期至", "Submitted until"),
    "page.me.clear": ("清除筛选", "Clear"),
    "page.me.part_of": ("一表申请", "Part of"),
    "page.me.not_from_account": ("非本企业账户提交", "Not submitted from this account"),
    "page.me.answer_now": ("去补正", "Answer now"),
    "page.me.none_match": ("没有符合条件的办件。", "No request matches."),
    "page.me.none_yet": ("还没有办件。", "No requests yet."),
    "page.me.back": ("我的办件", "My requests"),
    "page.me.material_heading": ("服务站请您补正材料", "The station asks you for material"),
    "page.me.you_answered": ("您的补正：{answer}", "You answered: {answer}"),
    "page.me.answer_heading": ("书面答复", "The written answer"),
    "page.me.bytes": ("{size} 字节", "{size} bytes"),
    "page.me.submitted": ("提交的申请内容", "What was submitted"),
    "page.me.instruments_lead": (
        "强制检定器具在证书到期前30天、7天和当天提醒；提醒到期后可一键申请续检，也可勾选多台一并申请。",
        "Compulsorily verified instruments are reminded 30 and 7 days before their certificate runs out and on "
        "the day; a due reminder becomes a renewal request with one click, or tick several to renew together.",
    ),
    "page.me.renewed": ("已申请续检：{serials}（见续检办件）", "Renewal requested: {serials} (see the renewal request)"),
    "page.me.choose": ("选择", "Choose"),
    "page.me.choose_one": ("选择器具 {serial}", "Choose instrument {serial}"),
    "page.me.instrument": ("器具", "Instrument"),
    "page.me.certificate": ("现行证书", "Current certificate"),
    "page.me.valid_until": ("有效期至", "Valid until"),
    "page.me.next_reminder": ("下次提醒", "Next reminder"),
    "page.me.reminders": ("已发提醒", "Reminders sent"),
    "page.me.renewal": ("续检", "Renewal"),
    "page.me.serial": ("出厂编号", "Serial no."),
    "page.me.compulsory": ("强制检定", "Compulsory verification"),
    "page.me.expired_days": ("已过期{days}天", "Expired {days} {days:plural:day|days} ago"),
    "page.me.days_left": ("还有{days}天", "{days} {days:plural:day|days} left"),
    "page.me.renew_one": ("申请续检", "Renew"),
    "page.me.renew_chosen": ("勾选的器具一并申请续检", "Renew the ticked instruments"),
    "page.me.no_instruments": (
        "器具档案中还没有器具：送检的器具在服务站受理、计量部门收件后自动建档。",
        "The instrument file is empty: an instrument is filed once metrology receives a request naming it.",
    ),
    "page.me.reminder": ("到期前{days}天提醒", "{days} {days:plural:day|days} before"),
    "page.me.reminder_on_the_day": ("到期当天提醒", "On the day it runs out"),
    "page.me.choose_instruments": ("请勾选要续检的器具", "Tick the instruments to renew."),
    "page.me.choose_standard": ("请选择要取消跟踪的标准", "Choose the standard to stop following."),
    "page.me.unfollowed": ("已取消跟踪 {number}", "No longer following {number}"),
    "page.me.notices_heading": ("收到的提醒", "Notices received"),
    "page.me.from_request": ("来自办件", "From request"),
    "page.me.no_notices": ("还没有提醒。", "No notices yet."),
    "page.me.followed_heading": ("跟踪的标准", "Standards followed"),
    "page.me.followed_help": (
        "您查询或引用过的标准会自动跟踪：被代替或废止时提醒您。取消后，新的办件再引用它时会重新跟踪。",
        "The standards you asked about or cited are followed: you are told when one is superseded or withdrawn. "
        "Once unfollowed, a new request citing it follows it again.",
    ),
    "page.me.standard": ("标准", "Standard"),
    "page.me.state": ("状态", "State"),
    "page.me.following_since": ("开始跟踪", "Followed since"),
    "page.me.unfollow": ("取消跟踪", "Unfollow"),
    "page.me.no_followed": ("没有跟踪的标准。", "No standards followed."),
    "page.me.contacts_lead": (
        "添加同事的手机号码：办件的联系人是其中一位时，他（她）会收到该办件的通知。",
        "Add colleagues' mobile numbers: when a request names one of them as its contact, they are told about it.",
    ),
    "page.me.contact_added": ("已添加联系人", "Contact added."),
    "page.me.contact_removed": ("已删除联系人", "Contact removed."),
    "page.me.registered_contact": ("注册时的联系人：{name} {phone}", "Contact given at registration: {name} {phone}"),
    "page.me.phone": ("手机号码", "Mobile number"),
    "page.me.phone_help": (
        "中国大陆手机号码，可写作 139-1234-5678 或 +86 139 1234 5678",
        "A mainland China mobile number, written as you like: 139-1234-5678 or +86 139 1234 5678",
    ),
    "page.me.remove": ("删除", "Remove"),
    "page.me.no_contacts": ("还没有添加联系人。", "No contacts added yet."),
    "page.me.add_contact": ("添加联系人", "Add a contact"),
    "page.me.add": ("添加", "Add"),
})


# Issue 29 §2: the notifier (kinds of notice, the enterprise's settings, delivery records).
MESSAGES.update({
    "notification_mandatory": ("补正和不予受理通知不能关闭（{kind}）",
                               "Notices of 补正 and of rejection cannot be turned off ({kind})."),
    "notify.kind.accepted": ("已受理（含承诺办结日期）", "Accepted (with the due date)"),
    "notify.kind.material_requested": ("需要补正材料", "Material requested (补正)"),
    "notify.kind.rejected": ("不予受理", "Rejected"),
    "notify.kind.terminated": ("已终止", "Terminated"),
    "notify.kind.dispatched": ("已派发至业务部门", "Dispatched to the domain service"),
    "notify.kind.completed": ("已办结（文书编号与下载）", "Completed (document numbers and download)"),
    "notify.kind.recall_due": ("检定到期提醒（30、7、0天）", "Verification due (30, 7 and 0 days before)"),
    "notify.kind.standard_superseded": ("关注的标准被替代或废止", "A followed standard superseded or withdrawn"),
    "notify.kind.new_request": ("新办件", "New request"),
    "notify.kind.sla_at_risk": ("今日到期", "Due today"),
    "notify.kind.sla_breached": ("已超期", "Overdue"),
    "notify.kind.supplemented": ("企业已补正", "The enterprise answered a 补正"),
    "notify.channel.sms": ("短信", "SMS"),
    "notify.channel.email": ("电子邮件", "E-mail"),
    "notify.channel.in_app": ("站内消息", "In-app"),
    "notify.status.queued": ("待发送", "Queued"),
    "notify.status.sending": ("发送中", "Sending"),
    "notify.status.sent": ("已发送", "Sent"),
    "notify.status.failed": ("发送失败", "Failed"),
    "notify.status.opted_out": ("企业已关闭此类通知", "Turned off by the enterprise"),
    "page.notify.heading": ("通知记录", "Notifications"),
    "page.notify.none": ("还没有通知。", "No notifications yet."),
    "page.notify.channel": ("渠道", "Channel"),
    "page.notify.recipient": ("接收人", "Recipient"),
    "page.notify.kind": ("内容", "About"),
    "page.notify.status": ("状态", "Status"),
    "page.notify.time": ("时间", "Time"),
    "page.notify.attempts": ("尝试{attempts}次：{error}", "{attempts} {attempts:plural:try|tries}: {error}"),
    "page.notify.settings_heading": ("通知设置", "Notification settings"),
    "page.notify.settings_lead": (
        "选择要接收的通知。补正和不予受理通知始终发送。短信在21:00至次日08:00之间不发送（当日到期的提醒除外），顺延至08:00。",
        "Choose the notices you receive. Notices of 补正 and of rejection are always sent. No SMS is sent "
        "between 21:00 and 08:00 Beijing time (except about a deadline that day); they go at 08:00."),
    "page.notify.always": ("始终发送", "Always sent"),
    "page.notify.save": ("保存设置", "Save"),
    "page.notify.saved": ("通知设置已保存。", "Your notification settings are saved."),
    "page.notify.inbox": ("站内消息", "Messages"),
    "page.notify.nav": ("通知设置", "Notifications"),
    "page.dev_outbox.heading": ("开发环境发件箱", "Dev outbox"),
    "page.dev_outbox.lead": ("开发环境中短信和邮件不会真正发出，而是由本地接收器收下，列在这里。",
                             "In dev mode SMS and e-mail go to a local catcher instead of the world; "
                             "what it caught is listed here."),
})
