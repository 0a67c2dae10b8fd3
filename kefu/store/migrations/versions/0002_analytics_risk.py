"""customer metrics, analytics runs, order risk

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:00:00
"""
from alembic import op
import sqlalchemy as sa
import kefu.store.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_metrics',
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('computed_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_count', sa.Integer(), nullable=False),
    sa.Column('total_spent', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('first_order_at', kefu.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_order_at', kefu.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recency_days', sa.Double(), nullable=True),
    sa.Column('r_score', sa.Integer(), nullable=True),
    sa.Column('f_score', sa.Integer(), nullable=True),
    sa.Column('m_score', sa.Integer(), nullable=True),
    sa.Column('segment', sa.String(length=32), nullable=False),
    sa.Column('repeat_purchases', sa.Integer(), nullable=False),
    sa.Column('p_alive', sa.Double(), nullable=True),
    sa.Column('expected_purchases', sa.Double(), nullable=True),
    sa.Column('expected_order_value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('clv', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('churn_risk', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id')
    )
    with op.batch_alter_table('customer_metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_metrics_segment'), ['segment'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_metrics_clv'), ['clv'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_metrics_churn_risk'), ['churn_risk'], unique=False)

    op.create_table('analytics_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('as_of', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('computed_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('stats', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_runs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_runs_computed_at'), ['computed_at'], unique=False)

    op.create_table('order_risk',
    sa.Column('order_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('anomaly_score', sa.Double(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('computed_at', kefu.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', kefu.store.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('review_outcome', sa.String(length=32), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id')
    )
    with op.batch_alter_table('order_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_risk_flagged'), ['flagged'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_risk_computed_at'), ['computed_at'], unique=False)


def downgrade() -> None:
    op.drop_table('order_risk')
    op.drop_table('analytics_runs')
    op.drop_table('customer_metrics')
