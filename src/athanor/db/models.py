"""Imports every table so metadata is complete for migrations and tests."""

from athanor.analytics.models import RollupWatermark, UsageRollup, WorkflowRollup
from athanor.apikeys.models import ApiKey, ApiKeySecret
from athanor.audit.models import AuditChainHead, AuditEvent
from athanor.auth.models import AuthSession, OneTimeToken, User
from athanor.catalog.models import (
    AiModel,
    Deployment,
    DeploymentMetric,
    ModelPriceOverride,
    ProviderConnection,
)
from athanor.db.base import Base
from athanor.engines.models import Engine, EngineAssignment, EngineVersion, Execution
from athanor.exports.models import ExportJob, ExportTemplate
from athanor.levels.models import FeatureUsage, Level, LevelSubscription
from athanor.outbox.models import OutboxEvent
from athanor.storage.models import Blob, Bucket, FileVersion, StoredFile, Upload, UploadPart
from athanor.tenancy.models import Invitation, Membership, Tenant
from athanor.wallet.models import LedgerEntry, LedgerTransaction, TokenLot, WalletAccount, WalletHold
from athanor.workers.models import (
    DeadLetter,
    QueueMetric,
    TaskFailure,
    TaskReceipt,
    Worker,
    WorkerEvent,
    WorkerMetric,
)
from athanor.workflows.models import (
    NodeRun,
    QualityEvaluation,
    WebhookSecret,
    Workflow,
    WorkflowRun,
    WorkflowTemplate,
    WorkflowTrigger,
    WorkflowVersion,
)

__all__ = [
    "AiModel",
    "ApiKey",
    "ApiKeySecret",
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Blob",
    "Bucket",
    "DeadLetter",
    "Deployment",
    "DeploymentMetric",
    "Engine",
    "EngineAssignment",
    "EngineVersion",
    "Execution",
    "ExportJob",
    "ExportTemplate",
    "FeatureUsage",
    "FileVersion",
    "Invitation",
    "LedgerEntry",
    "LedgerTransaction",
    "Level",
    "LevelSubscription",
    "Membership",
    "ModelPriceOverride",
    "NodeRun",
    "OneTimeToken",
    "OutboxEvent",
    "ProviderConnection",
    "QualityEvaluation",
    "QueueMetric",
    "RollupWatermark",
    "StoredFile",
    "TaskFailure",
    "TaskReceipt",
    "Tenant",
    "TokenLot",
    "Upload",
    "UploadPart",
    "UsageRollup",
    "User",
    "WalletAccount",
    "WalletHold",
    "WebhookSecret",
    "Worker",
    "WorkerEvent",
    "WorkerMetric",
    "Workflow",
    "WorkflowRollup",
    "WorkflowRun",
    "WorkflowTemplate",
    "WorkflowTrigger",
    "WorkflowVersion",
]
