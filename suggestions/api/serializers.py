"""Serializers of the suggestion API: read views of suggestions and assignments, and one input serializer per
workflow action, each of which calls its service (`perform`). Personal data: the lead deputy's phone is shown only
where suggestions.permissions allows it (units with an assignment, staff), masked otherwise."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from core.masking import mask_phone
from deputies.models import Person
from organization.models import CommitteeMember, HandlingUnit, SpecialCommittee

from .. import services, workflow
from ..models import (
    Answer,
    Assignment,
    Attachment,
    Category,
    Contact,
    Rating,
    Suggestion,
    Supervision,
    Transition,
)
from ..permissions import can_see_lead_phone, visible_assignments
from ..rules import rules

# --- read side ------------------------------------------------------------------------------------------------------


def _phone(obj: Suggestion, user) -> str:
    phone = obj.lead_deputy.phone or ""
    visible = getattr(obj, "lead_phone_visible", None)
    if visible is None:
        visible = can_see_lead_phone(user, obj)
    return phone if visible else mask_phone(phone)


class SuggestionListSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    number_display = serializers.CharField(read_only=True)
    meeting_name = serializers.SerializerMethodField()
    category_name = serializers.CharField(source="category.name", default="", read_only=True)
    committee_name = serializers.CharField(source="committee.name", default="", read_only=True)
    lead_deputy_name = serializers.CharField(source="lead_deputy.name", read_only=True)
    lead_deputy_phone = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "congress",
            "year",
            "number",
            "number_display",
            "title",
            "state",
            "state_display",
            "round",
            "meeting",
            "meeting_name",
            "category",
            "category_name",
            "committee",
            "committee_name",
            "lead_deputy",
            "lead_deputy_name",
            "lead_deputy_phone",
            "is_key",
            "disclose",
            "follow_up_open",
            "merged_into",
            "submitted_at",
            "accepted_at",
            "assigned_at",
            "answered_at",
            "closed_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_meeting_name(self, obj) -> str:
        return str(obj.meeting) if obj.meeting_id else "闭会期间"

    def get_lead_deputy_phone(self, obj) -> str:
        return _phone(obj, self.context["request"].user)


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    near_due = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "suggestion",
            "unit",
            "unit_name",
            "role",
            "role_display",
            "part",
            "parent",
            "state",
            "state_display",
            "round",
            "assigned_at",
            "due_date",
            "signed_at",
            "return_deadline",
            "opinion_due",
            "opinion",
            "opinion_at",
            "answered_at",
            "overdue",
            "near_due",
            "days_left",
        ]
        read_only_fields = fields

    def _open_due(self, obj) -> dt.date | None:
        if obj.state not in Assignment.OPEN_STATES:
            return None
        return obj.opinion_due if obj.role == Assignment.Role.CO and obj.opinion_due else obj.due_date

    def get_overdue(self, obj) -> bool:
        due = self._open_due(obj)
        return due is not None and due < timezone.localdate()

    def get_near_due(self, obj) -> bool:
        """Open and due within the first reminder threshold (rules.reminder_days, default 15 days)."""
        due = self._open_due(obj)
        if due is None:
            return False
        left = (due - timezone.localdate()).days
        return 0 <= left <= max(rules().reminder_days, default=15)

    def get_days_left(self, obj) -> int | None:
        due = self._open_due(obj)
        return None if due is None else (due - timezone.localdate()).days


class TodoSerializer(AssignmentSerializer):
    """A unit's to-do row: the assignment with its suggestion's headline and the lead deputy's contact."""

    suggestion_title = serializers.CharField(source="suggestion.title", read_only=True)
    suggestion_number = serializers.CharField(source="suggestion.number_display", read_only=True)
    suggestion_state = serializers.CharField(source="suggestion.state", read_only=True)
    is_key = serializers.BooleanField(source="suggestion.is_key", read_only=True)
    lead_deputy_name = serializers.CharField(source="suggestion.lead_deputy.name", read_only=True)
    lead_deputy_phone = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [
            *AssignmentSerializer.Meta.fields,
            "suggestion_title",
            "suggestion_number",
            "suggestion_state",
            "is_key",
            "lead_deputy_name",
            "lead_deputy_phone",
        ]
        read_only_fields = fields

    def get_lead_deputy_phone(self, obj) -> str:
        user = self.context["request"].user
        phone = obj.suggestion.lead_deputy.phone or ""
        # The unit holding this assignment sees the phone (to arrange 见面); so do staff.
        if (user.unit_id and user.unit_id == obj.unit_id) or can_see_lead_phone(user, obj.suggestion):
            return phone
        return mask_phone(phone)


class AnswerSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)
    result_class_display = serializers.CharField(source="get_result_class_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Answer
        fields = [
            "id",
            "assignment",
            "unit_name",
            "round",
            "is_final_follow_up",
            "text",
            "letter",
            "result_class",
            "result_class_display",
            "status",
            "status_display",
            "drafted_at",
            "approved_at",
            "review_note",
        ]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):
    value_display = serializers.CharField(source="get_value_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "suggestion",
            "round",
            "value",
            "value_display",
            "source",
            "source_display",
            "comment",
            "rated_at",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "suggestion", "assignment", "kind", "kind_display", "name", "size", "content_type"]
        fields += ["uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return f"/api/v1/attachments/{obj.pk}/download/"


class TransitionSerializer(serializers.ModelSerializer):
    action_display = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="assignment.unit.name", default="", read_only=True)

    class Meta:
        model = Transition
        fields = ["id", "at", "action", "action_display", "from_state", "to_state", "assignment", "unit_name"]
        fields += ["actor_name", "note"]
        read_only_fields = fields

    def get_action_display(self, obj) -> str:
        return workflow.label(obj.action)


class SuggestionDetailSerializer(SuggestionListSerializer):
    cosigners = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    ratings = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    merged_items = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    key_leader_name = serializers.CharField(source="key_leader.name", default="", read_only=True)
    key_committee_name = serializers.CharField(source="key_committee.name", default="", read_only=True)

    class Meta(SuggestionListSerializer.Meta):
        fields = [
            *SuggestionListSerializer.Meta.fields,
            "content",
            "cosigners",
            "assignments",
            "answers",
            "ratings",
            "attachments",
            "merged_items",
            "key_leader",
            "key_leader_name",
            "key_committee",
            "key_committee_name",
            "allowed_actions",
        ]
        read_only_fields = fields

    @property
    def _user(self):
        return self.context["request"].user

    def _assignments(self, obj):
        cache = self.context.setdefault("_assignments", {})
        if obj.pk not in cache:
            cache[obj.pk] = list(visible_assignments(self._user).filter(suggestion=obj).select_related("unit"))
        return cache[obj.pk]

    def get_cosigners(self, obj) -> list[dict]:
        return [
            {"person": c.person_id, "name": c.person.name, "confirmed": c.confirmed_at is not None}
            for c in obj.cosigners.select_related("person")
        ]

    def get_assignments(self, obj) -> list[dict]:
        return AssignmentSerializer(self._assignments(obj), many=True, context=self.context).data

    def get_answers(self, obj) -> list[dict]:
        """Units and staff see their drafts too; deputies and others see sent answers (a merged original: its
        main item's)."""
        user = self._user
        mine = [a.pk for a in self._assignments(obj)]
        if workflow.STAFF in workflow.roles_of(user, obj) or (user.unit_id and mine):
            qs = Answer.objects.filter(assignment_id__in=mine).select_related("assignment__unit")
        else:
            qs = services.answers_for(obj)
        return AnswerSerializer(qs, many=True).data

    def get_ratings(self, obj) -> list[dict]:
        return RatingSerializer(obj.ratings.all(), many=True).data

    def get_attachments(self, obj) -> list[dict]:
        from ..permissions import visible_attachments

        qs = visible_attachments(self._user).filter(suggestion=obj)
        return AttachmentSerializer(qs, many=True).data

    def get_merged_items(self, obj) -> list[dict]:
        return [
            {"id": m.pk, "title": m.title, "lead_deputy_name": m.lead_deputy.name}
            for m in obj.merged_items.select_related("lead_deputy")
        ]

    def get_allowed_actions(self, obj) -> dict:
        user = self._user
        out = {"suggestion": workflow.allowed_actions(user, obj), "assignments": {}}
        for asg in self._assignments(obj):
            asg.suggestion = obj
            acts = [a for a in workflow.allowed_actions(user, obj, asg) if workflow.TABLE[a].assignment_from]
            if acts:
                out["assignments"][asg.pk] = acts
        return out


# --- write side: drafts ---------------------------------------------------------------------------------------------


class DraftSerializer(serializers.Serializer):
    congress = serializers.IntegerField(required=False, help_text="省略时为本人唯一在任代表资格所属人大")
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    meeting = serializers.IntegerField(required=False, allow_null=True, help_text="空表示闭会期间")
    category = serializers.IntegerField(required=False, allow_null=True)
    disclose = serializers.BooleanField(required=False, default=True)

    def _resolve(self, data: dict) -> dict:
        from organization.models import Meeting

        out = dict(data)
        if out.get("meeting") is not None:
            out["meeting"] = Meeting.objects.select_related("term").filter(pk=out["meeting"]).first()
            if out["meeting"] is None:
                raise serializers.ValidationError({"meeting": "会议不存在"})
        if out.get("category") is not None:
            out["category"] = Category.objects.filter(pk=out["category"]).first()
            if out["category"] is None:
                raise serializers.ValidationError({"category": "分类不存在"})
        return out

    def create_draft(self, user) -> Suggestion:
        from deputies.models import Seat

        data = self._resolve(self.validated_data)
        congress = data.pop("congress", None)
        if congress is None:
            seats = list(
                Seat.objects.filter(person_id=user.person_id, status=Seat.Status.ACTIVE).values_list(
                    "congress_id", flat=True
                )
            )
            if len(set(seats)) != 1:
                raise serializers.ValidationError({"congress": "请选择向哪一级人大提出建议"})
            congress = seats[0]
        return services.create_draft(actor=user, congress=congress, **data)

    def update_draft(self, suggestion, user) -> Suggestion:
        data = self._resolve({k: v for k, v in self.validated_data.items() if k in self.initial_data})
        data.pop("congress", None)
        return services.update_draft(suggestion, actor=user, **data)


class EnterSerializer(DraftSerializer):
    """代为录入: office staff enter a deputy's paper suggestion (as submitted; co-signers signed the original)."""

    congress = serializers.IntegerField(required=False, help_text="省略时为本人账号所属人大")
    lead_deputy = serializers.IntegerField(help_text="领衔代表（代表 id，须为该人大在任代表）")
    cosigners = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="已在原件上签名的联名代表 id"
    )
    received_on = serializers.DateField(help_text="收到纸质建议的日期")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def enter(self, user) -> Suggestion:
        from deputies.models import Person

        data = self._resolve(self.validated_data)
        congress = data.pop("congress", None) or user.congress_id
        if congress is None:
            raise serializers.ValidationError({"congress": "请指定人大"})
        ids = [data["lead_deputy"], *data["cosigners"]]
        people = Person.objects.in_bulk(ids)
        missing = [pk for pk in ids if pk not in people]
        if missing:
            field = "lead_deputy" if data["lead_deputy"] in missing else "cosigners"
            raise serializers.ValidationError({field: f"代表不存在：{'、'.join(map(str, missing))}"})
        data["lead_deputy"] = people[data["lead_deputy"]]
        data["cosigners"] = [people[pk] for pk in data["cosigners"]]
        return services.enter_for_deputy(actor=user, congress=congress, **data)


# --- write side: workflow actions -----------------------------------------------------------------------------------


class AssignmentRef(serializers.IntegerField):
    """An assignment id of this suggestion that the user may see (a unit: only its own); else 404."""

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        user = self.context["request"].user
        suggestion = self.context["suggestion"]
        asg = visible_assignments(user).filter(suggestion=suggestion, pk=pk).first()
        if asg is None:
            raise NotFound("交办不存在")
        return asg


class UnitRef(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", HandlingUnit.objects.all())
        super().__init__(**kwargs)


class ActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, suggestion: Suggestion, user):  # pragma: no cover - overridden
        raise NotImplementedError


class SubmitSerializer(ActionSerializer):
    def perform(self, suggestion, user):
        services.submit(suggestion, actor=user, note=self.validated_data["note"])


class WithdrawSerializer(ActionSerializer):
    def perform(self, suggestion, user):
        services.withdraw(suggestion, actor=user, note=self.validated_data["note"])


class CosignSerializer(ActionSerializer):
    def perform(self, suggestion, user):
        services.cosign(suggestion, actor=user)


class InviteSerializer(ActionSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())

    def perform(self, suggestion, user):
        services.invite_cosigner(suggestion, self.validated_data["person"], actor=user)


class AcceptSerializer(ActionSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), required=False, allow_null=True
    )

    def perform(self, suggestion, user):
        d = self.validated_data
        services.accept(
            suggestion, actor=user, category=d.get("category"), committee=d.get("committee"), note=d["note"]
        )


class ReasonSerializer(ActionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(ReasonSerializer):
    def perform(self, suggestion, user):
        services.return_for_revision(suggestion, actor=user, reason=self.validated_data["reason"])


class DeclineSerializer(ReasonSerializer):
    def perform(self, suggestion, user):
        services.decline(suggestion, actor=user, reason=self.validated_data["reason"])


class MergeSerializer(ActionSerializer):
    others = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    def perform(self, suggestion, user):
        from ..permissions import visible_suggestions

        ids = set(self.validated_data["others"])
        found = set(visible_suggestions(user).filter(pk__in=ids).values_list("pk", flat=True))
        if found != ids:
            raise NotFound("建议不存在")
        services.merge(suggestion, sorted(ids), actor=user, note=self.validated_data["note"])


class SplitSerializer(serializers.Serializer):
    unit = UnitRef()
    part = serializers.CharField(max_length=200)


class PlanSerializer(ActionSerializer):
    lead = UnitRef(required=False, allow_null=True)
    co = UnitRef(many=True, required=False)
    splits = SplitSerializer(many=True, required=False)

    def plan(self) -> dict:
        d = self.validated_data
        return {
            "lead": d.get("lead"),
            "co": d.get("co", []),
            "splits": [(s["unit"], s["part"]) for s in d.get("splits", [])],
            "note": d["note"],
        }


class AssignSerializer(PlanSerializer):
    def perform(self, suggestion, user):
        services.assign(suggestion, actor=user, **self.plan())


class AssignmentActionSerializer(ActionSerializer):
    assignment = AssignmentRef()


class RelaySerializer(PlanSerializer):
    assignment = AssignmentRef()

    def perform(self, suggestion, user):
        services.relay(self.validated_data["assignment"], actor=user, **self.plan())


class SignSerializer(AssignmentActionSerializer):
    def perform(self, suggestion, user):
        services.sign(self.validated_data["assignment"], actor=user)


class RequestReturnSerializer(AssignmentActionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    suggested_unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)

    def perform(self, suggestion, user):
        d = self.validated_data
        services.request_return(d["assignment"], actor=user, reason=d["reason"], suggested_unit=d["suggested_unit"])


class ResolveReturnSerializer(AssignmentActionSerializer):
    approve = serializers.BooleanField()
    new_unit = UnitRef(required=False, allow_null=True)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, suggestion, user):
        d = self.validated_data
        services.resolve_return(
            d["assignment"], actor=user, approve=d["approve"], new_unit=d.get("new_unit"), resolution=d["resolution"]
        )


class RequestExtensionSerializer(AssignmentActionSerializer):
    requested_due = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, suggestion, user):
        d = self.validated_data
        services.request_extension(d["assignment"], actor=user, requested_due=d["requested_due"], reason=d["reason"])


class ResolveExtensionSerializer(AssignmentActionSerializer):
    approve = serializers.BooleanField()
    granted_due = serializers.DateField(required=False, allow_null=True)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, suggestion, user):
        d = self.validated_data
        services.resolve_extension(
            d["assignment"],
            actor=user,
            approve=d["approve"],
            granted_due=d.get("granted_due"),
            resolution=d["resolution"],
        )


class OpinionSerializer(AssignmentActionSerializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, suggestion, user):
        services.submit_opinion(self.validated_data["assignment"], actor=user, opinion=self.validated_data["opinion"])


class AttachmentRef(serializers.IntegerField):
    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        att = Attachment.objects.filter(pk=pk, suggestion=self.context["suggestion"]).first()
        if att is None:
            raise serializers.ValidationError("附件不存在")
        return att


class ContactSerializer(AssignmentActionSerializer):
    date = serializers.DateField()
    form = serializers.ChoiceField(choices=Contact.Form.choices)
    participants = serializers.CharField(max_length=300)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = AttachmentRef(required=False, allow_null=True)

    def perform(self, suggestion, user):
        d = self.validated_data
        services.record_contact(
            d["assignment"],
            actor=user,
            date=d["date"],
            form=d["form"],
            participants=d["participants"],
            content=d["content"],
            evidence=d.get("evidence"),
        )


class AnswerInputSerializer(AssignmentActionSerializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    result_class = serializers.CharField(required=False, allow_blank=True, default="")
    letter = AttachmentRef(required=False, allow_null=True)

    def perform(self, suggestion, user):
        d = self.validated_data
        services.answer(
            d["assignment"], actor=user, text=d["text"], result_class=d["result_class"], letter=d.get("letter")
        )


class AnswerDecisionSerializer(ActionSerializer):
    """Either `answer` (id) or `assignment` (its answer awaiting sign-off)."""

    answer = serializers.IntegerField(required=False)
    assignment = AssignmentRef(required=False)

    def the_answer(self, suggestion, user) -> Answer:
        d = self.validated_data
        mine = visible_assignments(user).filter(suggestion=suggestion)
        qs = Answer.objects.filter(assignment__in=mine)
        if "answer" in d:
            qs = qs.filter(pk=d["answer"])
        elif "assignment" in d:
            qs = qs.filter(assignment=d["assignment"], status=Answer.Status.PENDING_APPROVAL)
        else:
            raise serializers.ValidationError({"answer": "请指定答复"})
        found = qs.order_by("-id").first()
        if found is None:
            raise NotFound("答复不存在")
        return found


class ApproveAnswerSerializer(AnswerDecisionSerializer):
    def perform(self, suggestion, user):
        services.approve_answer(self.the_answer(suggestion, user), actor=user, note=self.validated_data["note"])


class RejectAnswerSerializer(AnswerDecisionSerializer):
    def perform(self, suggestion, user):
        services.reject_answer(self.the_answer(suggestion, user), actor=user, note=self.validated_data["note"])


class RateSerializer(ActionSerializer):
    value = serializers.ChoiceField(choices=Rating.Value.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def perform(self, suggestion, user):
        services.rate(
            suggestion, actor=user, value=self.validated_data["value"], comment=self.validated_data["comment"]
        )


class RehandleSerializer(ActionSerializer):
    def perform(self, suggestion, user):
        services.rehandle(suggestion, actor=user, note=self.validated_data["note"])


class FollowUpSerializer(AssignmentActionSerializer):
    progress = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True)
    final = serializers.BooleanField(required=False, default=False)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    result_class = serializers.CharField(required=False, allow_blank=True, default="")
    letter = AttachmentRef(required=False, allow_null=True)

    def perform(self, suggestion, user):
        d = self.validated_data
        services.follow_up(
            d["assignment"],
            actor=user,
            progress=d["progress"],
            date=d.get("date"),
            final=d["final"],
            text=d["text"],
            result_class=d["result_class"],
            letter=d.get("letter"),
        )


class MarkKeySerializer(ActionSerializer):
    is_key = serializers.BooleanField(required=False, default=True)
    leader = serializers.PrimaryKeyRelatedField(queryset=CommitteeMember.objects.all(), required=False, allow_null=True)
    committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), required=False, allow_null=True
    )

    def perform(self, suggestion, user):
        d = self.validated_data
        services.mark_key(
            suggestion,
            actor=user,
            is_key=d["is_key"],
            leader=d.get("leader"),
            committee=d.get("committee"),
            note=d["note"],
        )


class ScoreSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=CommitteeMember.objects.all())
    score = serializers.IntegerField(min_value=0, max_value=100)


class SuperviseSerializer(ActionSerializer):
    kind = serializers.ChoiceField(choices=Supervision.Kind.choices)
    date = serializers.DateField()
    notes = serializers.CharField()
    committee = serializers.PrimaryKeyRelatedField(
        queryset=SpecialCommittee.objects.all(), required=False, allow_null=True
    )
    scores = ScoreSerializer(many=True, required=False)

    def perform(self, suggestion, user):
        d = self.validated_data
        services.add_supervision(
            suggestion,
            actor=user,
            kind=d["kind"],
            date=d["date"],
            notes=d["notes"],
            committee=d.get("committee"),
            scores=[(s["member"], s["score"]) for s in d.get("scores", [])],
        )


class CloseSerializer(ActionSerializer):
    def perform(self, suggestion, user):
        services.close(suggestion, actor=user, note=self.validated_data["note"])


class PublishSerializer(ActionSerializer):
    def perform(self, suggestion, user):
        services.publish(suggestion, actor=user)


class DiscloseSerializer(ActionSerializer):
    disclose = serializers.BooleanField()

    def perform(self, suggestion, user):
        services.set_disclose(
            suggestion, actor=user, disclose=self.validated_data["disclose"], note=self.validated_data["note"]
        )


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices, default=Attachment.Kind.MATERIAL)
    assignment = AssignmentRef(required=False, allow_null=True)


# url path → input serializer; every POST /api/v1/suggestions/{id}/{action}/.
ACTIONS: dict[str, type[ActionSerializer]] = {
    "submit": SubmitSerializer,
    "invite": InviteSerializer,
    "cosign": CosignSerializer,
    "withdraw": WithdrawSerializer,
    "accept": AcceptSerializer,
    "return": ReturnSerializer,
    "decline": DeclineSerializer,
    "merge": MergeSerializer,
    "assign": AssignSerializer,
    "relay": RelaySerializer,
    "sign": SignSerializer,
    "request-return": RequestReturnSerializer,
    "resolve-return": ResolveReturnSerializer,
    "request-extension": RequestExtensionSerializer,
    "resolve-extension": ResolveExtensionSerializer,
    "opinion": OpinionSerializer,
    "record-contact": ContactSerializer,
    "answer": AnswerInputSerializer,
    "approve-answer": ApproveAnswerSerializer,
    "reject-answer": RejectAnswerSerializer,
    "rate": RateSerializer,
    "rehandle": RehandleSerializer,
    "follow-up": FollowUpSerializer,
    "mark-key": MarkKeySerializer,
    "supervise": SuperviseSerializer,
    "close": CloseSerializer,
    "publish": PublishSerializer,
    "disclose": DiscloseSerializer,
}
