"""The ratings module's rule violations, each with a Chinese message, the field it concerns and an HTTP status."""

from __future__ import annotations

from onestop.errors import DomainError


class RatingError(DomainError):
    code = "rating_error"
    status = 422


class InvalidRating(RatingError):
    """A value of the rating form is wrong (level, channel, tags, comment)."""

    code = "invalid_rating"


class NotRatable(RatingError):
    """The case cannot be rated (a kind that is not a service, or not finished yet)."""

    code = "not_ratable"


class AlreadyRated(RatingError):
    """一次一评 / 一事一评: the case was rated already by this channel (or, for a bundle, at all)."""

    code = "already_rated"
    status = 409


class RatingForbidden(RatingError):
    """The actor may not rate, act on a rectification, appeal or review (for something they can see)."""

    code = "forbidden"
    status = 403


class AppealRefused(RatingError):
    """An appeal that the rules do not allow (too late, appealed already, a rating that is not valid)."""

    code = "appeal_refused"
    status = 409
