"""store sync: outbox of writes for the shop, webhook events, entity versions

Revision ID: 0003_store_sync
Revises: 0002
Create Date: 2026-12-02 11:50:00
"""
from alembic import op
import sqlalchemy as sa
import kefu.store.models


revision = '0003_store_sync'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('store_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('backend', sa.String(length=32), nullable=False),
    sa.Column('operation', sa.String(length=64), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('conversation_id', sa.String(length=40), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('settled_at', kefu.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    op.create_index('ix_store_outbox_due', 'store_outbox', ['status', 'next_attempt_at'])
    op.create_index('ix_store_outbox_target_id', 'store_outbox', ['target_id'])
    op.create_index('ix_store_outbox_conversation_id', 'store_outbox', ['conversation_id'])
    op.create_table('store_events',
    sa.Column('event_id', sa.String(length=128), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('received_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    op.create_table('store_entity_versions',
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('applied_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entity_type', 'entity_id')
    )


def downgrade() -> None:
    op.drop_table('store_entity_versions')
    op.drop_table('store_events')
    op.drop_index('ix_store_outbox_conversation_id', table_name='store_outbox')
    op.drop_index('ix_store_outbox_target_id', table_name='store_outbox')
    op.drop_index('ix_store_outbox_due', table_name='store_outbox')
    op.drop_table('store_outbox')
