"""The 민원 desk (고객 응대·온라인 상담): intake with masking, department routing, similar past answers, reply drafts
that an official approves before anything is sent. The service API is :class:`mokmin.minwon.desk.MinwonDesk`."""

from mokmin.minwon.desk import ImportReport, MinwonDesk, SimilarPast
from mokmin.minwon.reply import ReplyDraft
from mokmin.minwon.route import Candidate, Router, RouterConfig
from mokmin.minwon.store import STATUSES, Complaint, PastComplaint

__all__ = ["STATUSES", "Candidate", "Complaint", "ImportReport", "MinwonDesk", "PastComplaint", "ReplyDraft",
           "Router", "RouterConfig", "SimilarPast"]
