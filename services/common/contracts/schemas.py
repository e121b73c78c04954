"""The contracts' schemas: what a producer announces and a consumer reads is checked
against the same definition at both ends (DESIGN §2)."""

from typing import Any, ClassVar, Protocol

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from .events import DispatchedWork, Enterprise, Follower, StandardEnded, TerminatedWork


class Contract(Protocol):
    """A contract's value class: the event it is and who announces it."""

    TYPE: ClassVar[str]
    SOURCE: ClassVar[str]

    def as_data(self) -> dict[str, Any]: ...


class BrokenContract(ValueError):
    """An event whose data does not keep its contract; redelivering it cannot help."""


class ContractSchema(Schema):
    """Loads a contract's value (``VALUE``, its value class) from the event's data."""

    VALUE: ClassVar[type[Any]]

    class Meta:
        # A newer producer may add fields; an older consumer ignores them.
        unknown = EXCLUDE

    @post_load
    def _value(self, data: dict[str, Any], **kwargs: Any) -> Any:
        return self.value_of(data)

    def value_of(self, data: dict[str, Any]) -> Any:
        return self.VALUE(**data)


class EnterpriseSchema(ContractSchema):
    VALUE = Enterprise

    name = fields.String(required=True)
    uscc = fields.String(required=True)


class RoutedRequestSchema(ContractSchema):
    """The fields of :class:`RoutedRequest` (the request, the domain it is routed to, its
    station), and which of its dispatches the event is about."""

    code = fields.String(required=True)
    item = fields.String(required=True)
    domain = fields.String(required=True)
    station = fields.String(required=True)
    dispatch = fields.Integer(load_default=1, validate=validate.Range(min=1))


class DispatchedWorkSchema(RoutedRequestSchema):
    VALUE = DispatchedWork

    enterprise = fields.Nested(EnterpriseSchema, required=True)
    contact = fields.Dict(keys=fields.String(), load_default=dict)
    details = fields.Dict(keys=fields.String(), load_default=dict)


class TerminatedWorkSchema(RoutedRequestSchema):
    VALUE = TerminatedWork

    reason = fields.String(required=True)
    terminated_at = fields.String(required=True)


class FollowerSchema(ContractSchema):
    VALUE = Follower

    uscc = fields.String(required=True)
    name = fields.String(required=True)
    request_code = fields.String(load_default=None, allow_none=True)


class StandardEndedSchema(ContractSchema):
    VALUE = StandardEnded

    number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["superseded", "withdrawn"]))
    on = fields.String(required=True)
    title_zh = fields.String(load_default=None, allow_none=True)
    title_en = fields.String(load_default=None, allow_none=True)
    replaced_by = fields.String(load_default=None, allow_none=True)
    followers = fields.List(fields.Nested(FollowerSchema), load_default=list)

    def value_of(self, data: dict[str, Any]) -> Any:
        return StandardEnded(**{**data, "followers": tuple(data["followers"])})


SCHEMAS: dict[type[Contract], Schema] = {
    DispatchedWork: DispatchedWorkSchema(),
    StandardEnded: StandardEndedSchema(),
    TerminatedWork: TerminatedWorkSchema(),
}


def read(contract: type[Contract], envelope: dict[str, Any]) -> Any:
    """The event of ``envelope`` as its contract's value; BrokenContract if it is not one."""
    if envelope.get("type") != contract.TYPE or envelope.get("source") != contract.SOURCE:
        raise BrokenContract(f"{envelope.get('source')}.{envelope.get('type')} is not {contract.__name__}")
    try:
        return SCHEMAS[contract].load(envelope["data"])
    except ValidationError as exc:
        raise BrokenContract(f"{contract.__name__}: {exc.messages}") from exc


CONTRACTS = {(contract.SOURCE, contract.TYPE): contract for contract in SCHEMAS}


def check_contract(source: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as it is, once checked against the contract of ``source.event_type`` if
    that event has one; BrokenContract otherwise, before anyone is told."""
    contract = CONTRACTS.get((source, event_type))
    if contract is not None:
        errors = SCHEMAS[contract].validate(data)
        if errors:
            raise BrokenContract(f"{contract.__name__}: {errors}")
    return data
