"""Read models of the pages and the API, one module per view.

* ``caselist``: the workbench list (filters, colour counts, a page of visible cases, personal data masked);
* ``casepage``: the case page (details, timeline, clock panel, action forms, related cases, the party);
* ``publiccase``: what an applicant sees of their own case;
* ``directory``: administration (users, units and their counts);
* ``labels``: the words they share.

Visibility comes from ``onestop.access`` only; these modules decide what a visible case looks like.
"""

from __future__ import annotations

from onestop.web.reads.caselist import (
    CaseFilters as CaseFilters,
)
from onestop.web.reads.caselist import (
    CasePage as CasePage,
)
from onestop.web.reads.caselist import (
    CaseRow as CaseRow,
)
from onestop.web.reads.caselist import (
    actionable_condition as actionable_condition,
)
from onestop.web.reads.caselist import (
    clock_colour as clock_colour,
)
from onestop.web.reads.caselist import (
    colour_counts as colour_counts,
)
from onestop.web.reads.caselist import (
    data_version as data_version,
)
from onestop.web.reads.caselist import (
    data_version_now as data_version_now,
)
from onestop.web.reads.caselist import (
    has_actions as has_actions,
)
from onestop.web.reads.caselist import (
    list_cases as list_cases,
)
from onestop.web.reads.caselist import (
    local_midnight as local_midnight,
)
from onestop.web.reads.caselist import (
    masked_id as masked_id,
)
from onestop.web.reads.caselist import (
    subject_of as subject_of,
)
from onestop.web.reads.casepage import (
    ActionField as ActionField,
)
from onestop.web.reads.casepage import (
    ActionForm as ActionForm,
)
from onestop.web.reads.casepage import (
    CaseDetail as CaseDetail,
)
from onestop.web.reads.casepage import (
    ClockPanel as ClockPanel,
)
from onestop.web.reads.casepage import (
    Detail as Detail,
)
from onestop.web.reads.casepage import (
    Interval as Interval,
)
from onestop.web.reads.casepage import (
    PartyView as PartyView,
)
from onestop.web.reads.casepage import (
    RelatedCase as RelatedCase,
)
from onestop.web.reads.casepage import (
    TimelineEntry as TimelineEntry,
)
from onestop.web.reads.casepage import (
    action_forms as action_forms,
)
from onestop.web.reads.casepage import (
    action_label as action_label,
)
from onestop.web.reads.casepage import (
    case_detail as case_detail,
)
from onestop.web.reads.casepage import (
    clock_panel as clock_panel,
)
from onestop.web.reads.casepage import (
    event_details as event_details,
)
from onestop.web.reads.casepage import (
    limit_text as limit_text,
)
from onestop.web.reads.casepage import (
    parse_action_data as parse_action_data,
)
from onestop.web.reads.casepage import (
    party_view as party_view,
)
from onestop.web.reads.casepage import (
    payload_details as payload_details,
)
from onestop.web.reads.casepage import (
    related_cases as related_cases,
)
from onestop.web.reads.casepage import (
    submission_info as submission_info,
)
from onestop.web.reads.casepage import (
    timeline as timeline,
)
from onestop.web.reads.directory import (
    UserRow as UserRow,
)
from onestop.web.reads.directory import (
    get_user as get_user,
)
from onestop.web.reads.directory import (
    list_users as list_users,
)
from onestop.web.reads.directory import (
    unit_case_counts as unit_case_counts,
)
from onestop.web.reads.directory import (
    unit_exists as unit_exists,
)
from onestop.web.reads.directory import (
    unit_user_counts as unit_user_counts,
)
from onestop.web.reads.labels import (
    ACTION_INPUTS as ACTION_INPUTS,
)
from onestop.web.reads.labels import (
    CHANNELS as CHANNELS,
)
from onestop.web.reads.labels import (
    DATA_LABELS as DATA_LABELS,
)
from onestop.web.reads.labels import (
    ENGINE_ACTIONS as ENGINE_ACTIONS,
)
from onestop.web.reads.labels import (
    HIDDEN_DATA as HIDDEN_DATA,
)
from onestop.web.reads.labels import (
    MAX_PER_PAGE as MAX_PER_PAGE,
)
from onestop.web.reads.labels import (
    PUBLIC_DATA as PUBLIC_DATA,
)
from onestop.web.reads.labels import (
    ClockColour as ClockColour,
)
from onestop.web.reads.publiccase import (
    PublicCase as PublicCase,
)
from onestop.web.reads.publiccase import (
    public_case as public_case,
)
