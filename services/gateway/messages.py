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
    # whole-request errors
    "validation_failed": (
        "提交的内容有误，请按提示修改",
        "Some fields need correcting; see the messages beside them.",
    ),
    "malformed_json": ("请求内容不是有效的JSON", "The request body is not valid JSON."),
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
    "unauthorized": ("需要登录或有效凭证", "Sign-in or a valid key is required."),
    "service_unavailable": (
        "{service}服务暂时无法响应，请稍后重试",
        "The {service} service is not answering; please try again shortly.",
    ),
    "internal_error": (
        "系统内部错误，已记录，请稍后重试",
        "Internal error; it has been logged. Please try again shortly.",
    ),
    "not_found": ("没有这个地址", "There is nothing at this address."),
    # certification and standards (issue 5)
    "not_a_date": ("此项应为日期（YYYY-MM-DD）", "This field must be a date (YYYY-MM-DD)."),
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
    "concurrent_change": (
        "该记录刚被他人修改，请刷新后重试", "Someone else changed this just now; reload and try again.",
    ),
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
    "certificate_status.withdrawn": ("撤销", "Withdrawn"),
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
    "event.certificate_issued": ("出具证书 {certificate_number}", "Certificate {certificate_number} issued"),
    # who acted
    "role.enterprise": ("企业", "Enterprise"),
    "role.system": ("系统自动", "Automatic"),
    "role.station": ("服务站", "Station"),
    "role.metrology": ("计量部门", "Metrology"),
    "role.standards": ("标准部门", "Standards"),
    "role.certification": ("认证部门", "Certification"),
    "role.testing": ("检验检测部门", "Testing"),
    "domain.metrology": ("计量", "Metrology"),
    "domain.standards": ("标准", "Standards"),
    "domain.certification": ("认证认可", "Certification"),
    "domain.testing": ("检验检测", "Testing"),
}


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
